// docker.daemon.hosts on a real boot: docker-ce's unit starts dockerd with -H fd://, which
// dockerd refuses next to hosts in daemon.json, so the bootstrap starts it through a systemd
// drop-in without -H. A stack with a TCP listener (and the opt-in) boots to ready with dockerd
// listening there and on the local socket; a second run changes nothing; dropping hosts removes
// the drop-in; and doctor does not hold the package's own failed first start against the host.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ssh2 from "ssh2";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { render, type Rendered } from "../../src/bootstrap/render.js";
import { load } from "../../src/config/load.js";
import { SshExecutor } from "../../src/deploy/ssh.js";
import { doctorHost } from "../../src/doctor/host.js";
import { destroyVm, createVm, type LocalVm } from "../../src/local/vm.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { sh, testVmName } from "./helpers.js";
import { ed25519KeyPair } from "../../src/deploy/keypair.js";

const STACK = parse(readFileSync(join(PROJECT_DIR, "stacks/Pulumi.local.yaml"), "utf8")) as { config: Record<string, Record<string, unknown>> };
const BOOTSTRAP = STACK.config["berth:bootstrap"] ?? {};
const KEYS = ed25519KeyPair();
const NAME = testVmName("daemon-hosts");
const DROPIN = "/etc/systemd/system/docker.service.d/berth-hosts.conf";

function renderWith(docker: Record<string, unknown>): Rendered {
  const raw = { ...STACK.config, "berth:bootstrap": { ...BOOTSTRAP, conda: { enabled: false }, pip: {}, docker: { ...(BOOTSTRAP.docker as object), ...docker } } };
  const r = load(raw, { baseDir: PROJECT_DIR });
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return render(r.config);
}

let vm: LocalVm;

async function out(script: string): Promise<string> {
  const r = await sh(vm.containerId, script);
  if (r.code !== 0) throw new Error(`${script}: exit ${r.code}\n${r.stderr}`);
  return r.stdout;
}

/** Writes the rendered files on the VM and runs the script, as the SSH delivery does. */
async function rerun(rendered: Rendered): Promise<number> {
  for (const f of rendered.files) await out(`mkdir -p "$(dirname ${f.path})" && echo ${Buffer.from(f.content).toString("base64")} | base64 -d >${f.path} && chmod ${f.permissions} ${f.path}`);
  return (await sh(vm.containerId, "bash /usr/local/lib/berth/bootstrap.sh")).code;
}

const status = async () => JSON.parse(await out("cat /var/lib/berth/status.json")) as { phase: string; changed: string[]; errors: string[] };

afterAll(async () => {
  await destroyVm(NAME);
});

describe("dockerd listening where daemon.hosts says", () => {
  const withTcp = renderWith({ allowUnauthenticatedTcp: true, daemon: { hosts: ["unix:///var/run/docker.sock", "tcp://127.0.0.1:2375"] } });

  it("boots to ready from a first install, with dockerd on the local socket and on TCP", async () => {
    vm = await createVm({ name: NAME, userData: withTcp.userData, sshPublicKey: KEYS.public, waitForStatusFile: true, timeoutMs: 480_000 });
    expect(await status()).toMatchObject({ phase: "ready", errors: [] });
    expect((await status()).changed).toEqual(expect.arrayContaining(["/etc/docker/daemon.json", "docker-ce", DROPIN]));
    expect(await out(`cat ${DROPIN}`)).toBe("[Service]\nExecStart=\nExecStart=/usr/sbin/dockerd --containerd=/run/containerd/containerd.sock $DOCKER_OPTS\n");
    expect(await out("ss -Hltnp 'sport = :2375' | grep -o '127.0.0.1:2375 .*dockerd' | cut -d' ' -f1")).toBe("127.0.0.1:2375\n");
    const version = JSON.parse(await out("curl -fsS http://127.0.0.1:2375/version")) as { ApiVersion: string };
    expect(version.ApiVersion).toMatch(/^1\.\d+$/);
    expect(await out("su debian -c 'docker -H unix:///var/run/docker.sock info --format {{.ServerVersion}}'")).toMatch(/^20\.10\./);
    // The package's own first start met the hosts before the drop-in was there, and failed.
    expect(await out("journalctl -u docker --no-pager | grep -c 'specified both as a flag and in the configuration file: hosts' || true")).not.toBe("0\n");
  });

  it("doctor finds nothing wrong: the failed first start is history once dockerd runs", async () => {
    const ex = new SshExecutor({ host: vm.ip, port: 22, username: "debian", privateKey: Buffer.from(KEYS.private), hostKeyFingerprint: vm.hostKeyFingerprint ?? "" });
    try {
      const h = await doctorHost(ex, { user: "debian", host: vm.ip, port: 22 });
      expect(h.checks.filter((c) => c.status === "fail" || c.unrecognised).map((c) => c.id)).toEqual([]);
      expect(h.checks.find((c) => c.id === "docker")?.status).toBe("ok");
    } finally {
      await ex.close();
    }
  });

  it("runs a second time changing nothing, without restarting docker", async () => {
    const before = await out("systemctl show docker -p MainPID -p ActiveEnterTimestampMonotonic");
    expect(await rerun(withTcp)).toBe(0);
    expect(await status()).toMatchObject({ phase: "ready", changed: [] });
    expect(await out("systemctl show docker -p MainPID -p ActiveEnterTimestampMonotonic")).toBe(before);
  });

  it("drops the drop-in and the TCP listener when the stack no longer sets hosts, and docker keeps working", async () => {
    expect(await rerun(renderWith({}))).toBe(0);
    expect(await status()).toMatchObject({ phase: "ready", changed: ["/etc/docker/daemon.json", `${DROPIN} (removed)`] });
    expect(await out(`test -e ${DROPIN} && echo there; ss -Hltn 'sport = :2375' | wc -l`)).toBe("0\n");
    expect(await out("su debian -c 'docker info --format {{.ServerVersion}}'")).toMatch(/^20\.10\./);
    expect(await out("systemctl show docker -p ExecStart")).toContain("-H fd://");
  });
});
