/**
 * A stand-in for GitHub's REST API (GitHub itself cannot be reached here): the issue-comment
 * endpoints berth's action uses, with GitHub's paths, JSON shapes, status codes, pagination
 * (`per_page`, `page`) and bearer-token check. It records every request so tests can see what
 * the action did. A token listed in `readOnlyTokens` gets GitHub's 403 for writes, as a fork's
 * pull request does.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface StoredComment {
  id: number;
  issue: number;
  body: string;
  user: { login: string };
  html_url: string;
  created_at: string;
  updated_at: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: string;
}

export class GithubApiStandIn {
  readonly comments: StoredComment[] = [];
  readonly requests: RecordedRequest[] = [];
  #server: Server | undefined;
  #nextId = 1000;
  url = "";

  constructor(readonly repository: string, readonly tokens: string[], readonly readOnlyTokens: string[] = []) {}

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8").on("data", (d: string) => (body += d)).on("end", () => {
        const r = this.#handle(req, body);
        res.writeHead(r.status, { "content-type": "application/json; charset=utf-8", ...(r.headers ?? {}) });
        res.end(r.json === undefined ? "" : JSON.stringify(r.json));
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  /** Add a comment as someone else would have (for pagination and marker tests). */
  seed(issue: number, body: string, login = "someone"): StoredComment {
    const now = new Date().toISOString();
    const id = this.#nextId++;
    const c = { id, issue, body, user: { login }, html_url: `https://github.com/${this.repository}/pull/${issue}#issuecomment-${id}`, created_at: now, updated_at: now };
    this.comments.push(c);
    return c;
  }

  #handle(req: IncomingMessage, body: string): { status: number; json?: unknown; headers?: Record<string, string> } {
    const url = new URL(req.url ?? "/", this.url);
    this.requests.push({ method: req.method ?? "", path: url.pathname + url.search, body });
    const token = /^(?:Bearer|token) (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!token || ![...this.tokens, ...this.readOnlyTokens].includes(token)) {
      return { status: 401, json: { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" } };
    }
    const prefix = `/repos/${this.repository}/issues/`;
    if (!url.pathname.startsWith(prefix)) return { status: 404, json: { message: "Not Found" } };
    const rest = url.pathname.slice(prefix.length);
    const list = /^(\d+)\/comments$/.exec(rest);
    const one = /^comments\/(\d+)$/.exec(rest);
    const write = req.method === "POST" || req.method === "PATCH";
    if (write && this.readOnlyTokens.includes(token)) {
      return { status: 403, json: { message: "Resource not accessible by integration", documentation_url: "https://docs.github.com/rest/issues/comments" } };
    }
    if (list && req.method === "GET") {
      const issue = Number(list[1]);
      const perPage = Math.min(100, Number(url.searchParams.get("per_page") ?? 30));
      const page = Number(url.searchParams.get("page") ?? 1);
      const all = this.comments.filter((c) => c.issue === issue);
      const pageItems = all.slice((page - 1) * perPage, page * perPage);
      const last = Math.max(1, Math.ceil(all.length / perPage));
      const link = page < last ? { link: `<${this.url}${url.pathname}?per_page=${perPage}&page=${page + 1}>; rel="next", <${this.url}${url.pathname}?per_page=${perPage}&page=${last}>; rel="last"` } : undefined;
      return { status: 200, json: pageItems, ...(link ? { headers: link } : {}) };
    }
    if (list && req.method === "POST") {
      const text = (JSON.parse(body || "{}") as { body?: unknown }).body;
      if (typeof text !== "string" || !text) return { status: 422, json: { message: "Validation Failed", errors: [{ resource: "IssueComment", code: "missing_field", field: "body" }] } };
      if (text.length > 65536) return { status: 422, json: { message: "Validation Failed", errors: [{ resource: "IssueComment", code: "custom", field: "body", message: "body is too long (maximum is 65536 characters)" }] } };
      return { status: 201, json: this.seed(Number(list[1]), text, "github-actions[bot]") };
    }
    if (one && req.method === "PATCH") {
      const c = this.comments.find((x) => x.id === Number(one[1]));
      if (!c) return { status: 404, json: { message: "Not Found" } };
      const text = (JSON.parse(body || "{}") as { body?: unknown }).body;
      if (typeof text !== "string" || !text) return { status: 422, json: { message: "Validation Failed" } };
      c.body = text;
      c.updated_at = new Date().toISOString();
      return { status: 200, json: c };
    }
    return { status: 404, json: { message: "Not Found" } };
  }
}
