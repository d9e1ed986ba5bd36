/**
 * The Python the litellm-keys Job runs (in LiteLLM's own image, standard library only): it registers each
 * consumer's generated key with LiteLLM's key API, with the consumer's limits, idempotently. Kept here as a
 * constant so the software tier runs it for real (tests/software/gatewayKeys.software.test.ts).
 *
 * Per consumer (litellm 1.110.2, proxy/management_endpoints/key_management_endpoints.py):
 * - GET /key/info?key=<sha256 of the key> (LiteLLM stores keys by that hash): 200 with status active, the key is
 *   known: POST /key/update with the limits (so a changed limit applies to the same key); revoked, expired or
 *   blocked (an operator's doing in LiteLLM): left so, said in the log;
 * - 404 (a new or rotated key) or status deleted (/key/info answers from the deleted keys' archive): POST
 *   /key/delete of the consumer's alias (the key it replaces; 404 when there was none), then POST /key/generate with
 *   the key and its limits. /key/generate alone would not do: it keeps an existing row unchanged and refuses a
 *   second key under one alias.
 * Keys this platform made (metadata managed-by) whose consumer is gone are deleted (every /key/list page). Key
 * values are never printed.
 */
export const GATEWAY_KEYS_SCRIPT = String.raw`
import hashlib, json, os, sys, time, urllib.error, urllib.parse, urllib.request

BASE = os.environ["LITELLM_URL"].rstrip("/")
MASTER = open(os.environ["LITELLM_MASTER_KEY_FILE"]).read().strip()
WAIT = int(os.environ.get("WAIT_SECONDS", "600"))


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method, headers={"Authorization": "Bearer " + MASTER, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")[:500]


def fail(what, status, body):
    sys.exit(f"{what}: HTTP {status}: {body}")


def wait_for_database():
    deadline = time.time() + WAIT
    last = "no answer"
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(BASE + "/health/readiness", timeout=5) as r:
                body = json.loads(r.read() or b"{}")
                if body.get("db") == "connected":
                    return
                last = "database: " + str(body.get("db"))
        except Exception as e:
            last = str(e)
        time.sleep(3)
    sys.exit(f"LiteLLM at {BASE} was not ready with its database after {WAIT}s ({last})")


def register(consumer):
    key = open(consumer["file"]).read().strip()
    settings = consumer["settings"]
    alias = settings["key_alias"]
    status, body = call("GET", "/key/info?key=" + hashlib.sha256(key.encode()).hexdigest())
    state = ((body.get("info") or {}).get("status") or "active") if status == 200 and isinstance(body, dict) else None
    if state == "active" and not body["info"].get("blocked"):
        status, body = call("POST", "/key/update", {"key": key, **settings})
        if status != 200:
            fail(f"{alias}: updating its key", status, body)
        print(f"{alias}: limits applied to its key")
        return
    if state is not None and state != "deleted":
        # Revoked, expired or blocked by an operator in LiteLLM: left so (rotate= gives the consumer a new key).
        print(f"{alias}: its key is {'blocked' if state == 'active' else state} in LiteLLM: left as it is")
        return
    if status not in (200, 404):
        fail(f"{alias}: looking its key up", status, body)
    # A new or rotated key, or one deleted in LiteLLM (its /key/info answers from the deleted keys' archive).
    status, body = call("POST", "/key/delete", {"key_aliases": [alias]})
    if status == 200:
        print(f"{alias}: revoked its previous key")
    elif status != 404:
        fail(f"{alias}: revoking its previous key", status, body)
    status, body = call("POST", "/key/generate", {"key": key, **settings})
    if status != 200:
        fail(f"{alias}: registering its key", status, body)
    print(f"{alias}: key registered")


def prune(aliases):
    page, pages = 1, 1
    stale = []
    while page <= pages:
        status, body = call("GET", f"/key/list?return_full_object=true&size=100&page={page}")
        if status != 200:
            fail("listing keys", status, body)
        pages = body.get("total_pages") or 1
        for k in body.get("keys", []):
            meta = k.get("metadata") or {}
            if meta.get("managed-by") == "llm-platform" and k.get("key_alias") not in aliases:
                stale.append(k)
        page += 1
    for k in stale:
        status, out = call("POST", "/key/delete", {"keys": [k["token"]]})
        if status != 200:
            fail(f"{k.get('key_alias')}: deleting the key of a consumer that is gone", status, out)
        print(f"{k.get('key_alias')}: consumer gone, key deleted")


spec = json.load(open(os.environ["KEYS_SPEC"]))
wait_for_database()
for consumer in spec:
    register(consumer)
prune({c["settings"]["key_alias"] for c in spec})
print(f"{len(spec)} consumer key(s) in place")
`.trim();
