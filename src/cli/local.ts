/** `berth kit up|down` and `berth local up|down`: the offline lab kit and local VMs. */
import { spawnSync } from "node:child_process";
import { homedir } from "node:os";
import { render } from "../bootstrap/render.js";
import { loadStackFile } from "../config/stackfile.js";
import { engine } from "../local/engine.js";
import { kitDown, kitUp } from "../local/kit.js";
import { labEnv, shellExports } from "../local/lab-env.js";
import { createVm, destroyVm, LocalVmError } from "../local/vm.js";
import { ensureVmKey, userPublicKey } from "../local/vm-key.js";
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

export async function localUpCommand(opts: { stack: string; name?: string; timeout: number }, io: CommandIo): Promise<number> {
  const loaded = loadStackFile(opts.stack);
  if (!loaded.ok) return io.stderr(`${opts.stack}: ${loaded.errors.length} problem(s):\n${loaded.errors.map((e) => `  ${e}\n`).join("")}`), 1;
  const cfg = loaded.config;
  if (cfg.host.provider !== "local") return io.stderr(`${opts.stack}: berth:host.provider is "${cfg.host.provider}" — berth local up boots local stacks only\n`), 1;
  const userData = render(cfg).userData;
  if (!(await ensureEngine(io))) return 1;
  await kitUp({ log: (l) => io.stderr(`${l}\n`) });
  const name = opts.name ?? cfg.host.name ?? "berth-local";
  // The VM always gets a key of its own (so it can be logged into on a machine without
  // ~/.ssh keys), plus berth:host.sshPublicKey and the user's own key when there are any.
  const key = ensureVmKey(name);
  const authorized = [key.publicKey, cfg.host.sshPublicKey, userPublicKey(homedir())].filter((k): k is string => Boolean(k));
  const ssh = (port: number) => `ssh -i ${key.privateKeyFile} -p ${port} ${cfg.host.user}@127.0.0.1`;
  io.stderr(`booting local VM ${name}…\n`);
  try {
    const vm = await createVm({ name, userData, sshPublicKey: authorized, waitForStatusFile: true, keepOnFailure: true, timeoutMs: opts.timeout * 1000 });
    const pin = vm.hostKeyFingerprint ? ` --fingerprint ${vm.hostKeyFingerprint}` : "";
    const password = cfg.app?.registry ? "BERTH_REGISTRY_PASSWORD=… " : "";
    io.stdout(
      `${name} ready in ${(vm.bootMs / 1000).toFixed(1)} s\n` +
        `  address  ${vm.ip} (berth-lab network)\n` +
        `  ssh      ${ssh(vm.sshPort)}\n` +
        `  host key ${vm.hostKeyFingerprint ?? "?"}\n` +
        `  deploy   ${password}npx berth deploy --stack ${opts.stack} --host ${cfg.host.user}@127.0.0.1:${vm.sshPort} --identity ${key.privateKeyFile}${pin}\n` +
        `  remove   npx berth local down --stack ${opts.stack}${opts.name ? ` --name ${opts.name}` : ""}\n`,
    );
    return 0;
  } catch (e) {
    const where = e instanceof LocalVmError ? e.vm : undefined;
    io.stderr(`${(e as Error).message}\n${where ? `\nthe VM is kept for diagnosis: ${ssh(where.sshPort)} (berth local down --stack ${opts.stack} removes it)\n` : ""}`);
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

/** `eval "$(npx berth local env)"`: a private file backend and a random passphrase in a 0600 file. */
export function localEnvCommand(io: CommandIo): number {
  io.stdout(shellExports(labEnv()));
  return 0;
}
