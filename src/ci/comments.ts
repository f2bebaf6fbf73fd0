/**
 * One pull-request comment per stack, edited in place: the comment is found by a hidden marker
 * (`<!-- berth:stack=NAME -->`) among the PR's issue comments, then updated; only when none
 * carries the marker is a new one created. GitHub's REST endpoints:
 *   GET   /repos/{owner}/{repo}/issues/{number}/comments?per_page=100&page=N
 *   POST  /repos/{owner}/{repo}/issues/{number}/comments      {"body": …}
 *   PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}  {"body": …}
 */

export interface CommentTarget {
  readonly apiUrl: string;
  readonly token: string;
  readonly repository: string;
  readonly issue: number;
}

export interface CommentResult {
  readonly action: "created" | "updated";
  readonly id: number;
  readonly url: string | undefined;
}

export class GithubApiError extends Error {
  constructor(readonly status: number, readonly method: string, readonly path: string, detail: string) {
    super(`GitHub API ${method} ${path} answered ${status}${detail ? `: ${detail}` : ""}`);
    this.message = `GitHub API ${method} ${path} answered ${status}${detail ? `: ${detail}` : ""}`;
  }
}

export const markerFor = (stack: string): string => `<!-- berth:stack=${stack} -->`;

type Fetch = typeof fetch;

async function call(t: CommentTarget, method: string, path: string, body: unknown, f: Fetch): Promise<unknown> {
  const res = await f(`${t.apiUrl}${path}`, {
    method,
    headers: {
      accept: "application/vnd.github+json",
      authorization: `Bearer ${t.token}`,
      "x-github-api-version": "2022-11-28",
      "user-agent": "berth-ci",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) {
    let detail = text.slice(0, 200);
    try {
      detail = (JSON.parse(text) as { message?: string }).message ?? detail;
    } catch {
      // not JSON: keep the text
    }
    throw new GithubApiError(res.status, method, path, detail);
  }
  return text ? (JSON.parse(text) as unknown) : undefined;
}

interface IssueComment {
  id: number;
  body?: string;
  html_url?: string;
}

/** The first comment of the PR whose body carries the marker. */
export async function findComment(t: CommentTarget, marker: string, f: Fetch = fetch): Promise<IssueComment | undefined> {
  for (let page = 1; ; page++) {
    const list = (await call(t, "GET", `/repos/${t.repository}/issues/${t.issue}/comments?per_page=100&page=${page}`, undefined, f)) as IssueComment[];
    const hit = list.find((c) => c.body?.includes(marker));
    if (hit) return hit;
    if (list.length < 100) return undefined;
  }
}

/** Create the stack's comment, or edit the one that is there. The body must carry the marker. */
export async function upsertComment(t: CommentTarget, marker: string, body: string, f: Fetch = fetch): Promise<CommentResult> {
  if (!body.includes(marker)) throw new Error("comment body without its marker");
  const found = await findComment(t, marker, f);
  if (found) {
    const c = (await call(t, "PATCH", `/repos/${t.repository}/issues/comments/${found.id}`, { body }, f)) as IssueComment;
    return { action: "updated", id: c.id, url: c.html_url };
  }
  const c = (await call(t, "POST", `/repos/${t.repository}/issues/${t.issue}/comments`, { body }, f)) as IssueComment;
  return { action: "created", id: c.id, url: c.html_url };
}
