/** What a run knows about GitHub: the event, its pull request, the REST API to comment with. */
import { existsSync, readFileSync } from "node:fs";

export interface PullRequest {
  readonly number: number;
  /** The head branch lives in another repository: GitHub gives such runs no secrets and a read-only token. */
  readonly fork: boolean;
  readonly headRepo: string;
}

export interface GithubContext {
  readonly eventName: string | undefined;
  readonly repository: string | undefined;
  readonly apiUrl: string;
  readonly token: string | undefined;
  readonly summaryFile: string | undefined;
  readonly outputFile: string | undefined;
  readonly runUrl: string | undefined;
  readonly pullRequest: PullRequest | undefined;
}

interface EventPayload {
  pull_request?: { number?: number; head?: { repo?: { full_name?: string; fork?: boolean } | null }; base?: { repo?: { full_name?: string } } };
}

export function pullRequestOf(eventName: string | undefined, payload: EventPayload): PullRequest | undefined {
  if (eventName !== "pull_request" && eventName !== "pull_request_target") return undefined;
  const pr = payload.pull_request;
  if (!pr || typeof pr.number !== "number") return undefined;
  const head = pr.head?.repo?.full_name ?? "";
  const base = pr.base?.repo?.full_name ?? "";
  // A deleted fork has head.repo null: it is still not this repository.
  return { number: pr.number, fork: pr.head?.repo?.fork === true || head !== base, headRepo: head };
}

export function githubContext(env: NodeJS.ProcessEnv): GithubContext {
  let payload: EventPayload = {};
  if (env.GITHUB_EVENT_PATH && existsSync(env.GITHUB_EVENT_PATH)) payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8")) as EventPayload;
  const server = env.GITHUB_SERVER_URL ?? "https://github.com";
  return {
    eventName: env.GITHUB_EVENT_NAME,
    repository: env.GITHUB_REPOSITORY,
    apiUrl: (env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/$/, ""),
    token: env.GITHUB_TOKEN || undefined,
    summaryFile: env.GITHUB_STEP_SUMMARY || undefined,
    outputFile: env.GITHUB_OUTPUT || undefined,
    runUrl: env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
    pullRequest: pullRequestOf(env.GITHUB_EVENT_NAME, payload),
  };
}
