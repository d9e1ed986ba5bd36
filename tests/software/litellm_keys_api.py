"""
LiteLLM's key-management routes as the litellm-keys Job meets them, for the software tier: LiteLLM with a database
cannot start here (its Prisma query engine downloads from binaries.prisma.sh, which this machine cannot reach), so
this server stands in for the routes alone. Every request body is parsed by litellm 1.110.2's own request models
(GenerateKeyRequest, UpdateKeyRequest, KeyRequest), and a field those models do not have is refused (LiteLLM would
drop it silently). The answers follow proxy/management_endpoints/key_management_endpoints.py and proxy/utils.py:
- keys are stored by sha256 of the raw key; /key/info takes the raw key or its hash, 404 when unknown;
- /key/generate refuses a key not starting with "sk-" or shorter than 16, and a second key under an alias (400);
  a key that exists already is left unchanged (insert_data upserts with an empty update) and answered 200;
- /key/update finds the key by raw key or hash (404 when unknown) and applies the fields it was sent;
- /key/delete takes keys (raw or hashed) and/or key_aliases, 404 when none is found, and archives what it deletes;
- /key/list?return_full_object=true lists the live rows with their hashed token, `size` per page.
Usage: python litellm_keys_api.py <port> <master key>. GET /_keys (no auth) returns the rows, for assertions.
"""
import hashlib
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from litellm.proxy._types import GenerateKeyRequest, KeyRequest, UpdateKeyRequest

PORT = int(sys.argv[1])
MASTER = sys.argv[2]
ROWS = {}
ARCHIVE = {}
FIELDS = ("key_alias", "models", "max_budget", "budget_duration", "rpm_limit", "tpm_limit", "metadata")


def hashed(key):
    return hashlib.sha256(key.encode()).hexdigest() if key.startswith("sk-") else key


def parse(model, body):
    unknown = sorted(set(body) - set(model.model_fields))
    if unknown:
        raise ValueError(f"{model.__name__} has no field(s) {unknown}")
    return model(**body)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def authorized(self):
        if self.headers.get("Authorization") == "Bearer " + MASTER:
            return True
        self.reply(401, {"error": {"message": "Authentication Error", "type": "auth_error"}})
        return False

    def do_GET(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        if url.path == "/health/readiness":
            return self.reply(200, {"status": "healthy", "db": "connected"})
        if url.path == "/_keys":
            return self.reply(200, ROWS)
        if not self.authorized():
            return
        if url.path == "/key/info":
            token = hashed(query["key"][0])
            if token in ROWS:
                return self.reply(200, {"key": query["key"][0], "info": dict(ROWS[token], status="active")})
            if token in ARCHIVE:
                return self.reply(200, {"key": query["key"][0], "info": dict(ARCHIVE[token], status="deleted")})
            return self.reply(404, {"error": "Key not found in database"})
        if url.path == "/key/list" and query.get("return_full_object") == ["true"]:
            size, page = int(query.get("size", ["10"])[0]), int(query.get("page", ["1"])[0])
            rows = [dict(row, token=t) for t, row in ROWS.items()]
            pages = max(1, -(-len(rows) // size))
            return self.reply(200, {"keys": rows[(page - 1) * size : page * size], "total_count": len(rows), "current_page": page, "total_pages": pages})
        self.reply(404, {"error": "no such route here"})

    def do_POST(self):
        if not self.authorized():
            return
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", "0"))) or b"{}")
        try:
            if self.path == "/key/generate":
                return self.generate(parse(GenerateKeyRequest, body), body)
            if self.path == "/key/update":
                return self.update(parse(UpdateKeyRequest, body), body)
            if self.path == "/key/delete":
                return self.delete(parse(KeyRequest, body))
        except ValueError as e:
            return self.reply(422, {"error": {"message": str(e), "type": "invalid_request_error"}})
        self.reply(404, {"error": "no such route here"})

    def generate(self, req, body):
        key = req.key or ""
        if not key.startswith("sk-") or len(key) < 16:
            return self.reply(400, {"error": "Invalid key format. LiteLLM Virtual Key must start with 'sk-'"})
        token = hashed(key)
        if any(row["key_alias"] == req.key_alias and t != token for t, row in ROWS.items()):
            return self.reply(400, {"error": {"message": f"Key with alias '{req.key_alias}' already exists.", "type": "bad_request_error", "param": "key_alias"}})
        ARCHIVE.pop(token, None)
        ROWS.setdefault(token, {f: body.get(f) for f in FIELDS})
        self.reply(200, {"key": key, "token": token, **{f: body.get(f) for f in FIELDS}})

    def update(self, req, body):
        token = hashed(req.key or "")
        if token not in ROWS:
            return self.reply(404, {"error": "Key not found."})
        ROWS[token].update({f: body[f] for f in FIELDS if f in body})
        self.reply(200, {"key": req.key, **ROWS[token]})

    def delete(self, req):
        tokens = {hashed(k) for k in req.keys or []} | {t for t, row in ROWS.items() if row["key_alias"] in (req.key_aliases or [])}
        found = [t for t in tokens if t in ROWS]
        if not found:
            return self.reply(404, {"error": "No keys found"})
        for t in found:
            ARCHIVE[t] = ROWS.pop(t)
        self.reply(200, {"deleted_keys": found})


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
