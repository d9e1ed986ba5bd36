/**
 * A minimal MCP client over streamable HTTP (the 2025-03-26 transport every server here serves): POST JSON-RPC
 * to the endpoint, accepting a JSON or an SSE answer, with the session id the server hands out on initialize.
 */
import { type Answer, request } from "./http";

export interface McpAnswer {
  readonly status: number;
  readonly result?: Record<string, unknown>;
  readonly error?: Record<string, unknown>;
}

function post(host: string, port: number, path: string, body: object, headers: Record<string, string>): Promise<Answer> {
  const json = { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers };
  return request(host, port, path, { method: "POST", headers: json, body: JSON.stringify(body), until: /^data: .*\n/m });
}

/** The JSON-RPC message of a JSON or SSE body. */
function message(text: string): { result?: Record<string, unknown>; error?: Record<string, unknown> } {
  const sse = /^data: (.*)$/m.exec(text);
  try {
    return JSON.parse(sse ? sse[1] : text) as { result?: Record<string, unknown>; error?: Record<string, unknown> };
  } catch {
    return {};
  }
}

export class McpSession {
  private constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly path: string,
    private readonly session: Record<string, string>,
    readonly initialize: McpAnswer,
  ) {}

  /** initialize, then notifications/initialized: the handshake a client such as the studio makes. */
  static async open(host: string, port: number, path: string): Promise<McpSession> {
    const init = await post(host, port, path, { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-03-26", capabilities: {}, clientInfo: { name: "llm-platform-software-tier", version: "1" } } }, {});
    const id = init.headers["mcp-session-id"];
    const session: Record<string, string> = typeof id === "string" ? { "mcp-session-id": id } : {};
    const answer = { status: init.status, ...message(init.text) };
    if (answer.result) await post(host, port, path, { jsonrpc: "2.0", method: "notifications/initialized" }, session);
    return new McpSession(host, port, path, session, answer);
  }

  async call(method: string, params: object = {}): Promise<McpAnswer> {
    const r = await post(this.host, this.port, this.path, { jsonrpc: "2.0", id: 2, method, params }, this.session);
    return { status: r.status, ...message(r.text) };
  }
}
