// Deploy test hosts: local VMs bootstrapped by the local stack, reached over real SSH.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { render } from "../../src/bootstrap/render.js";
import { load } from "../../src/config/load.js";
import { appSchema } from "../../src/config/sections/app.js";
import { KnownHosts } from "../../src/deploy/known-hosts.js";
import { planApp, type AppPlan } from "../../src/deploy/plan.js";
import { SshExecutor } from "../../src/deploy/ssh.js";
import { kitInfo } from "../../src/local/kit.js";
import { createVm, type LocalVm } from "../../src/local/vm.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { sshKeyPair } from "../helpers/sshd.js";

export const KEYS = sshKeyPair();
// KEYS stay in memory; the known_hosts directory goes with removeKnownHosts() (afterAll).
const KNOWN_HOSTS_DIR = mkdtempSync(join(tmpdir(), "berth-kh-"));
export const KNOWN_HOSTS = join(KNOWN_HOSTS_DIR, "known_hosts");

export function removeKnownHosts(): void {
  rmSync(KNOWN_HOSTS_DIR, { recursive: true, force: true });
}

/** The local stack without conda (faster), booted and bootstrapped. */
export async function bootDeployHost(name: string): Promise<LocalVm> {
  const stack = parse(readFileSync(join(PROJECT_DIR, "stacks/Pulumi.local.yaml"), "utf8")) as { config: Record<string, Record<string, unknown>> };
  const raw = { ...stack.config, "berth:bootstrap": { ...stack.config["berth:bootstrap"], conda: { enabled: false }, pip: {} } };
  const r = load(raw, { baseDir: PROJECT_DIR });
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return createVm({ name, userData: render(r.config).userData, sshPublicKey: KEYS.public, waitForStatusFile: true, timeoutMs: 480_000 });
}

export function executor(vm: LocalVm, knownHosts = KNOWN_HOSTS): SshExecutor {
  return new SshExecutor({ host: "127.0.0.1", port: vm.sshPort, username: "debian", privateKey: Buffer.from(KEYS.private), knownHosts: new KnownHosts(knownHosts) });
}

/** berth:app for the kit's sample app, with overrides. */
export function appPlan(overrides: Record<string, unknown> = {}): AppPlan {
  const kit = kitInfo();
  return planApp(appSchema.parse({
    image: kit.appImages.v1,
    registry: { server: kit.registry, username: kit.registryUser, password: kit.registryPassword },
    ports: ["8080:8080"],
    healthcheck: { type: "http", path: "/", timeoutSeconds: 20 },
    ...overrides,
  }));
}
