// One comment per stack, found by its marker and edited in place, against the GitHub API stand-in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findComment, GithubApiError, markerFor, upsertComment } from "../../src/ci/comments.js";
import { pullRequestOf } from "../../src/ci/github.js";
import { GithubApiStandIn } from "./github-api.js";

const REPO = "berth-ci/infra";
const api = new GithubApiStandIn(REPO, ["ghs_write"], ["ghs_read"]);
beforeAll(async () => void (await api.start()));
afterAll(async () => api.stop());

const target = (token: string, issue: number) => ({ apiUrl: api.url, token, repository: REPO, issue });

describe("the stack's PR comment", () => {
  it("is created once, then edited in place; another stack gets its own", async () => {
    const a = await upsertComment(target("ghs_write", 1), markerFor("web"), `${markerFor("web")}\nplan 1`);
    const b = await upsertComment(target("ghs_write", 1), markerFor("web"), `${markerFor("web")}\nplan 2`);
    const c = await upsertComment(target("ghs_write", 1), markerFor("lab-a"), `${markerFor("lab-a")}\nplan`);
    expect([a.action, b.action, c.action]).toEqual(["created", "updated", "created"]);
    expect(b.id).toBe(a.id);
    expect(api.comments.filter((x) => x.issue === 1).map((x) => x.body)).toEqual([`${markerFor("web")}\nplan 2`, `${markerFor("lab-a")}\nplan`]);
  });

  it("is found past the first page of a long discussion", async () => {
    for (let i = 0; i < 130; i++) api.seed(2, `comment ${i}`);
    const old = api.seed(2, `${markerFor("web")}\nold plan`, "github-actions[bot]");
    const r = await upsertComment(target("ghs_write", 2), markerFor("web"), `${markerFor("web")}\nnew plan`);
    expect(r).toMatchObject({ action: "updated", id: old.id });
    expect(api.requests.filter((q) => q.path.startsWith(`/repos/${REPO}/issues/2/comments`)).map((q) => q.path)).toEqual([
      `/repos/${REPO}/issues/2/comments?per_page=100&page=1`,
      `/repos/${REPO}/issues/2/comments?per_page=100&page=2`,
    ]);
    expect(await findComment(target("ghs_write", 2), markerFor("nothing"))).toBeUndefined();
  });

  it("with a read-only token fails with GitHub's status and message", async () => {
    const e = await upsertComment(target("ghs_read", 3), markerFor("web"), `${markerFor("web")}\nplan`).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GithubApiError);
    expect((e as GithubApiError).status).toBe(403);
    expect((e as Error).message).toBe(`GitHub API POST /repos/${REPO}/issues/3/comments answered 403: Resource not accessible by integration`);
  });
});

describe("the pull request of an event", () => {
  it("tells a fork's pull request from one of this repository", () => {
    const base = { base: { repo: { full_name: REPO } } };
    expect(pullRequestOf("pull_request", { pull_request: { number: 5, ...base, head: { repo: { full_name: REPO, fork: false } } } })).toEqual({ number: 5, fork: false, headRepo: REPO });
    expect(pullRequestOf("pull_request", { pull_request: { number: 6, ...base, head: { repo: { full_name: "someone/infra", fork: true } } } })).toEqual({ number: 6, fork: true, headRepo: "someone/infra" });
    expect(pullRequestOf("pull_request", { pull_request: { number: 7, ...base, head: { repo: null } } })?.fork).toBe(true);
    expect(pullRequestOf("push", {})).toBeUndefined();
  });
});
