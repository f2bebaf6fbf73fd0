/**
 * Doctor on one host, over deploy's Executor: one read-only evidence run, the registry login
 * (password on stdin) and TCP probes of the app's ports from here, then the pure reading of it
 * all into checks.
 */
import type { Executor } from "../deploy/executor.js";
import type { Sensitive } from "../deploy/sensitive.js";
import { match } from "../diagnose/match.js";
import { bootstrapCheck, cloudInitCheck, diskCheck, dnsCheck } from "./host-bootstrap.js";
import { appCheck, dockerCheck, dockerGroupCheck, hubMirrorsCheck, loginCheck, portCheck, pullsCheck } from "./host-docker.js";
import type { AppFacts, HostFacts, LoginFacts } from "./host-facts.js";
import { isLoopback, tcpProbe } from "./probe.js";
import { evidenceArgv, loginArgv, parseSections } from "./remote.js";
import { check, type Check, type HostResult } from "./report.js";

export interface HostTarget {
  readonly user: string;
  readonly host: string;
  readonly port: number;
}

export interface HostOptions {
  readonly app?: AppFacts;
  /** The registry password, when doctor should check the login. */
  readonly registryPassword?: Sensitive;
  readonly condaPrefix?: string;
}

/** All checks of one host from what was gathered: pure, so recorded evidence can be replayed. */
export function analyseHost(f: HostFacts): Check[] {
  const app = appCheck(f);
  return [
    check("ssh", "ssh.ok", { user: f.user, fingerprint: f.fingerprint || "?" }),
    bootstrapCheck(f),
    cloudInitCheck(f),
    diskCheck(f),
    dnsCheck(f),
    dockerCheck(f),
    hubMirrorsCheck(f),
    pullsCheck(f),
    dockerGroupCheck(f),
    loginCheck(f),
    app.check,
    portCheck(f, app.healthy),
  ];
}

async function login(ex: Executor, opts: HostOptions): Promise<LoginFacts> {
  const reg = opts.app?.registry;
  if (!reg) return { skipped: "no-registry" };
  if (!opts.registryPassword) return { skipped: "no-password" };
  const r = await ex.exec(loginArgv(reg.username, reg.server), { stdin: opts.registryPassword });
  return { code: r.code, output: (r.stderr + r.stdout).trim() };
}

export async function doctorHost(ex: Executor & { readonly hostKey?: string | undefined }, t: HostTarget, opts: HostOptions = {}): Promise<HostResult> {
  const target = ex.target;
  const app = opts.app;
  const names = app?.registry ? [app.registry.server.replace(/:\d+$/, "")] : [];
  let sections: Record<string, string>;
  let loginFacts: LoginFacts;
  try {
    const argv = evidenceArgv({ app: app?.name ?? "", healthUrl: app?.healthUrl ?? "", condaPrefix: opts.condaPrefix ?? "/opt/conda", ports: app?.ports ?? [], names });
    const [evidence, l] = await Promise.all([ex.exec(argv), login(ex, opts)]);
    sections = parseSections(evidence.stdout);
    loginFacts = l;
    if (!("end" in sections)) {
      // No bash, or the script died: say so with what it printed rather than read half an answer.
      const said = [...evidence.stderr.split("\n"), ...evidence.stdout.split("\n")].map((x) => x.trimEnd()).filter(Boolean).slice(-12);
      return { target, reachable: true, checks: [check("ssh", "ssh.partial", { user: t.user }, [], { unrecognised: [`exit ${evidence.code}`, ...said] })] };
    }
  } catch (e) {
    const msg = (e as Error).message;
    const params = { target, user: t.user };
    const found = match(msg, { only: ["ssh-unreachable", "ssh-auth-failed", "ssh-host-key-changed"] }).map((x) => ({ ...x, params: { ...params, ...x.params } }));
    const findings = found.length > 0 ? found : [{ id: "ssh-unreachable", params: { ...params, detail: msg }, evidence: [msg] }];
    return { target, reachable: false, checks: [check("ssh", "ssh.fail", {}, findings)] };
  }
  const outsideAddress = isLoopback(t.host) ? (sections.addr ?? "").trim() || t.host : t.host;
  const outside = await Promise.all((app?.ports ?? []).map((p) => tcpProbe(outsideAddress, p)));
  const facts: HostFacts = { target, user: (sections.id ?? t.user).split("\n")[0] ?? t.user, fingerprint: ex.hostKey ?? "", sections, ...(app ? { app } : {}), outsideAddress, outside, login: loginFacts };
  return { target, reachable: true, checks: analyseHost(facts) };
}
