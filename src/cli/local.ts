/** `berth kit up|down` and `berth local up|down`: the offline lab kit and local VMs. */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { render } from "../bootstrap/render.js";
import { loadStackFile } from "../config/stackfile.js";
import { engine } from "../local/engine.js";
import { kitDown, kitUp } from "../local/kit.js";
import { createVm, destroyVm, LocalVmError } from "../local/vm.js";
import type { CommandIo } from "./render.js";

/** A Docker engine that answers: when none does and we are root, start one (scripts/docker-engine.sh). */
export async function ensureEngine(io: CommandIo): Promise<boolean> {
  try {
    await engine().ping();
    return true;
  } catch {
    if (process.getuid?.() !== 0) {
      io.stderr("no Docker engine answers: start dockerd (or run scripts/docker-engine.sh as root)\n");
      return false;
    }
    io.stderr("no Docker engine answers: starting one (scripts/docker-engine.sh)\n");
    const script = new URL("../../scripts/docker-engine.sh", import.meta.url).pathname;
    return spawnSync("bash", [script], { stdio: ["ignore", "inherit", "inherit"] }).status === 0;
  }
}

export async function kitUpCommand(io: CommandIo): Promise<number> {
  if (!(await ensureEngine(io))) return 1;
  const info = await kitUp({ log: (l) => io.stderr(`${l}\n`) });
  io.stdout(`mirror    ${info.mirrorUrl} (from this machine: ${info.mirrorHostUrl})\nregistry  ${info.registry} (from this machine: ${info.registryHost}), user ${info.registryUser}, password in ~/.cache/berth/kit/registry-password\napp       ${Object.values(info.appImages).join(" ")}\n`);
  return 0;
}

export async function kitDownCommand(opts: { purge: boolean }, io: CommandIo): Promise<number> {
  await kitDown({ purge: opts.purge });
  io.stderr(`kit removed${opts.purge ? " (images and caches too)" : ""}\n`);
  return 0;
}

/** The public key a local VM gets: host.sshPublicKey, else the first ~/.ssh/id_*.pub. */
function publicKey(configured: string | undefined): string | undefined {
  if (configured) return configured;
  const found = ["id_ed25519.pub", "id_ecdsa.pub", "id_rsa.pub"].map((n) => join(homedir(), ".ssh", n)).find((p) => existsSync(p));
  return found ? readFileSync(found, "utf8").trim() : undefined;
}

export async function localUpCommand(opts: { stack: string; name?: string; timeout: number }, io: CommandIo): Promise<number> {
  const loaded = loadStackFile(opts.stack);
  if (!loaded.ok) return io.stderr(`${opts.stack}: ${loaded.errors.length} problem(s):\n${loaded.errors.map((e) => `  ${e}\n`).join("")}`), 1;
  const cfg = loaded.config;
  if (cfg.host.provider !== "local") return io.stderr(`${opts.stack}: berth:host.provider is "${cfg.host.provider}" — berth local up boots local stacks only\n`), 1;
  const userData = render(cfg).userData;
  if (!(await ensureEngine(io))) return 1;
  await kitUp({ log: (l) => io.stderr(`${l}\n`) });
  const name = opts.name ?? cfg.host.name ?? "berth-local";
  const key = publicKey(cfg.host.sshPublicKey);
  io.stderr(`booting local VM ${name}…\n`);
  try {
    const vm = await createVm({ name, userData, ...(key ? { sshPublicKey: key } : {}), waitForStatusFile: true, keepOnFailure: true, timeoutMs: opts.timeout * 1000 });
    io.stdout(`${name} ready in ${(vm.bootMs / 1000).toFixed(1)} s\n  address  ${vm.ip} (berth-lab network)\n  ssh      ssh -p ${vm.sshPort} ${cfg.host.user}@127.0.0.1\n  host key ${vm.hostKeyFingerprint ?? "?"}\n`);
    return 0;
  } catch (e) {
    const where = e instanceof LocalVmError ? e.vm : undefined;
    io.stderr(`${(e as Error).message}\n${where ? `\nthe VM is kept for diagnosis: ssh -p ${where.sshPort} ${cfg.host.user}@127.0.0.1 (berth local down --stack ${opts.stack} removes it)\n` : ""}`);
    return 1;
  }
}

export async function localDownCommand(opts: { stack: string; name?: string }, io: CommandIo): Promise<number> {
  const loaded = loadStackFile(opts.stack);
  const name = opts.name ?? (loaded.ok ? loaded.config.host.name : undefined) ?? "berth-local";
  await destroyVm(name);
  io.stderr(`local VM ${name} removed\n`);
  return 0;
}
