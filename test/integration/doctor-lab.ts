/**
 * The doctor tests' lab: one VM booted from the local stack (real bootstrap, kit mirror, sample
 * app deployed over SSH), STAND-IN servers for bad mirrors and Docker Hub (doctor-standin.py, in
 * a container on berth-lab, with a throwaway key to publish and a self-signed certificate for its
 * https side), and helpers that change the bootstrap's inputs the way a config change would
 * (rendered by berth's own renderer), re-run the real bootstrap, and restore.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ssh2 from "ssh2";
import { parse } from "yaml";
import { hostFiles, render } from "../../src/bootstrap/render.js";
import { load, type StackConfig } from "../../src/config/load.js";
import { runDoctor } from "../../src/doctor/run.js";
import type { HostResult } from "../../src/doctor/report.js";
import { engine, execIn, removeContainer } from "../../src/local/engine.js";
import { ensureVmImage } from "../../src/local/images.js";
import { LAB_NETWORK } from "../../src/local/lab-net.js";
import { createVm, type LocalVm } from "../../src/local/vm.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { testVmName } from "./helpers.js";
import { ed25519KeyPair } from "../../src/deploy/keypair.js";

export const STACK_FILE = join(PROJECT_DIR, "stacks", "Pulumi.local.yaml");
/** The stand-ins' container and its name on berth-lab, with this run's VM prefix like the VM. */
export const STANDIN = testVmName("doc-standin");
export const STANDIN_HOST = `${STANDIN}.berth.lab`;
export const KEYS = ed25519KeyPair();
const work = mkdtempSync(join(tmpdir(), "berth-doctor-it-"));
export const IDENTITY = join(work, "id");
export const KNOWN_HOSTS = join(work, "known_hosts");
writeFileSync(IDENTITY, KEYS.private, { mode: 0o600 });
/** The stand-in's https certificate (self-signed for its name): a VM trusts it only when a case installs it. */
export const STANDIN_CERT = join(work, "tls", "cert.pem");
/** The throwaway key (test/fixtures/keys/throwaway-a.asc) the stand-in publishes as /resigned's docker-ce key. */
export const PUBLISHED_KEY = "06C92374F8B865AE4F6F96EBFE845030FE2327F8";

const stackRaw = (parse(readFileSync(STACK_FILE, "utf8")) as { config: Record<string, Record<string, unknown>> }).config;

/** The local stack with parts of berth:bootstrap replaced, validated like any config. */
export function localConfig(bootstrap: Record<string, unknown> = {}): StackConfig {
  const base = stackRaw["berth:bootstrap"] ?? {};
  const merged = {
    ...base, ...bootstrap,
    docker: { ...(base.docker as object), ...(bootstrap.docker as object | undefined) },
    conda: { ...(base.conda as object), ...(bootstrap.conda as object | undefined) },
  };
  const r = load({ ...stackRaw, "berth:bootstrap": merged }, { baseDir: PROJECT_DIR });
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.config;
}

/**
 * A docker-ce mirror of its own for the chain, with the kit serving everything else; pinned to
 * a signing key the way a user pins a mirror that signs its own repository, or (without one)
 * trusted with Docker's key like any mirror that copies Docker's repository.
 */
export function dockerCeFrom(url: string, name: string, dockerCeKeyFingerprint?: string): Record<string, unknown> {
  const none = { miniconda: null, miniforge: null, conda: null, pypi: null };
  return { mirror: [{ url, name, paths: none, ...(dockerCeKeyFingerprint ? { dockerCeKeyFingerprint } : {}) }, { url: "http://mirror.berth.lab", name: "labkit", paths: { dockerCe: null } }] };
}

export class Lab {
  constructor(readonly vm: LocalVm) {}

  /** Boot the VM (named BERTH_TEST_VM_PREFIX + base) from the local stack and start the stand-ins. */
  static async up(base: string): Promise<Lab> {
    const name = testVmName(base);
    await removeContainer(STANDIN);
    const image = await ensureVmImage();
    mkdirSync(join(work, "tls"), { mode: 0o755 });
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", `/CN=${STANDIN_HOST}`, "-addext", `subjectAltName=DNS:${STANDIN_HOST}`,
      "-keyout", join(work, "tls", "key.pem"), "-out", STANDIN_CERT], { stdio: "ignore" });
    execFileSync("chmod", ["644", join(work, "tls", "key.pem")]);
    const standin = await engine().createContainer({
      name: STANDIN, Image: image, Cmd: ["python3", "-u", "/standin.py"], Labels: { "berth.test": "doctor" },
      HostConfig: { Binds: [
        `${join(PROJECT_DIR, "test/integration/doctor-standin.py")}:/standin.py:ro`,
        `${join(PROJECT_DIR, "test/fixtures/keys/throwaway-a.asc")}:/keys/published.asc:ro`,
        `${join(work, "tls")}:/tls:ro`,
      ] },
      NetworkingConfig: { EndpointsConfig: { [LAB_NETWORK]: { Aliases: [STANDIN_HOST] } } },
    });
    await standin.start();
    const vm = await createVm({ name, userData: render(localConfig()).userData, sshPublicKey: KEYS.public, waitForStatusFile: true, timeoutMs: 600_000 });
    const lab = new Lab(vm);
    await lab.root("cp -a /etc/berth /root/berth.orig && cp /etc/resolv.conf /root/resolv.orig && cp /etc/apt/keyrings/docker.gpg /root/docker.gpg.orig");
    return lab;
  }

  static async down(lab: Lab | undefined, destroy: (name: string) => Promise<void>): Promise<void> {
    if (lab) await destroy(lab.vm.name);
    await removeContainer(STANDIN);
    rmSync(work, { recursive: true, force: true });
  }

  /** bash as root inside the VM: how the tests break things; doctor itself only uses SSH. */
  async root(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
    return execIn(this.vm.containerId, ["bash", "-c", script]);
  }

  /** Write the bootstrap's inputs as berth renders them for this config (what cloud-init writes). */
  async apply(cfg: StackConfig, only?: readonly string[]): Promise<void> {
    for (const f of hostFiles(cfg).filter((x) => !only || only.includes(x.path))) {
      const b64 = Buffer.from(f.content).toString("base64");
      const r = await execIn(this.vm.containerId, ["bash", "-c", `mkdir -p "$(dirname ${f.path})" && base64 -d > ${f.path}.new <<<"$1" && chmod ${f.permissions} ${f.path}.new && mv ${f.path}.new ${f.path}`, "apply", b64]);
      if (r.code !== 0) throw new Error(`writing ${f.path}: ${r.stderr}`);
    }
  }

  /** Run the real bootstrap again, as cloud-init's runcmd does (with `env` added); its exit code. */
  async bootstrap(env: Record<string, string> = {}): Promise<number> {
    const vars = Object.entries(env).map(([k, v]) => `${k}=${v} `).join("");
    return (await this.root(`${vars}bash /usr/local/lib/berth/bootstrap.sh >/dev/null 2>&1; echo $?`)).stdout.trim() === "0" ? 0 : 1;
  }

  async status(): Promise<{ phase: string; errors: string[]; changed: string[] }> {
    return JSON.parse((await this.root("cat /var/lib/berth/status.json")).stdout) as { phase: string; errors: string[]; changed: string[] };
  }

  /** bash in the stand-ins' container (to switch /flaky's state). */
  async standin(script: string): Promise<void> {
    const r = await execIn(STANDIN, ["bash", "-c", script]);
    if (r.code !== 0) throw new Error(`stand-in: ${script}: ${r.stderr}`);
  }

  async phase(): Promise<string> {
    return (JSON.parse((await this.root("cat /var/lib/berth/status.json")).stdout) as { phase: string }).phase;
  }

  /** Back to the stack's own inputs and the key the host first trusted, the mirror probed afresh, and a bootstrap that ends ready. */
  async restore(): Promise<void> {
    await this.root("cp -a /root/berth.orig/. /etc/berth/ && cat /root/resolv.orig > /etc/resolv.conf && rm -f /var/lib/berth/mirror.docker-ce && install -m 0644 /root/docker.gpg.orig /etc/apt/keyrings/docker.gpg");
    const code = await this.bootstrap();
    if (code !== 0 || (await this.phase()) !== "ready") throw new Error(`restore: the bootstrap did not end ready\n${(await this.root("tail -n 30 /var/log/berth/bootstrap.log")).stdout}`);
  }

  /** berth doctor on this host over SSH (at its lab address, like a cloud VM's public IP). */
  async doctor(env: Record<string, string> = {}): Promise<HostResult> {
    const r = await runDoctor({ stack: STACK_FILE, hosts: [{ user: "debian", host: this.vm.ip, port: 22 }], identity: IDENTITY, knownHosts: KNOWN_HOSTS, projectDir: PROJECT_DIR, env: { PATH: process.env.PATH ?? "", ...env } });
    const host = r.hosts[0];
    if (!host) throw new Error("no host result");
    return host;
  }
}
