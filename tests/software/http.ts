/**
 * HTTP for the software tier. Every request has its own connection, and the client closes it first once the
 * answer is read: a server that closes first leaves TIME_WAIT on its own port, which blocks a program that later
 * binds that port without SO_REUSEADDR (workspace-mcp's start-up check).
 */
import * as http from "http";

export interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
}

export function request(host: string, port: number, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string; until?: RegExp } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // keep-alive: the server leaves the connection open, and the client closes it (agent: false alone asks the server to).
    const headers = { connection: "keep-alive", ...(opts.headers ?? {}), ...(opts.body !== undefined ? { "content-length": String(Buffer.byteLength(opts.body)) } : {}) };
    const req = http.request({ host, port, path, method: opts.method ?? "GET", headers, agent: false }, (r) => {
      let text = "";
      r.setEncoding("utf8");
      const done = () => {
        req.destroy();
        resolve({ status: r.statusCode ?? 0, headers: r.headers, text });
      };
      r.on("data", (c: string) => {
        text += c;
        // A streamed answer (SSE) stays open: stop once what we wait for has arrived.
        if (opts.until?.test(text)) done();
      });
      r.on("end", done);
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** The status of a GET (0 when nothing answers). */
export const statusOf = (host: string, port: number, path: string, headers: Record<string, string> = {}): Promise<number> =>
  request(host, port, path, { headers }).then(
    (a) => a.status,
    () => 0,
  );
