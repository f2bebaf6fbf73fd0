/**
 * Program evaluation under Pulumi mocks for 1, 10, 100 and 300 hosts: N DockerHosts on
 * DigitalOcean, each with an AppDeployment (a dynamic resource, so its provider is serialized
 * per host), until every output resolves. Each N runs in a fresh process; reports wall time,
 * time per host and resident memory. Targets: linear growth, 300 hosts under 10 s.
 *
 *   npx tsx bench/program.ts
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const child = process.argv[2];
if (child) {
  const n = Number(child);
  const pulumi = await import("@pulumi/pulumi");
  pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: { ...a.inputs, ipv4Address: "203.0.113.5", fingerprint: "aa" } }), call: (a) => a.inputs }, "berth", "bench", false);
  const { load } = await import("../src/config/load.js");
  const { DockerHost } = await import("../src/components/docker-host.js");
  const t0 = performance.now();
  const outs: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const r = load({
      "berth:host": { provider: "digitalocean", name: `student-${i}`, sshKeys: ["3b:16:bf:6e:a4:2c:19:7d:2e:6a:0b:5f:9c:44:1e:d0"] },
      "berth:bootstrap": { mirror: ["aliyun", "tuna"] },
      "berth:app": { image: "registry.lab:5000/course/app:v1", ports: ["8080:8080"] },
    }, { baseDir: process.cwd() });
    if (!r.ok) throw new Error(r.errors.join("\n"));
    const host = new DockerHost(`student-${i}`, { config: r.config, sshPrivateKey: pulumi.secret("key") });
    outs.push(new Promise((res) => host.ssh.apply(res)));
  }
  await Promise.all(outs);
  for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ n, ms, rssMb: process.memoryUsage().rss / 2 ** 20 }));
  process.exit(0);
}

console.log("| hosts | evaluation (s) | per host (ms) | resident memory (MiB) |\n|---|---|---|---|");
for (const n of [1, 10, 100, 300]) {
  const out = execFileSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), String(n)], { encoding: "utf8" });
  const r = JSON.parse(out.trim().split("\n").pop() ?? "{}") as { n: number; ms: number; rssMb: number };
  console.log(`| ${r.n} | ${(r.ms / 1000).toFixed(2)} | ${(r.ms / r.n).toFixed(1)} | ${r.rssMb.toFixed(0)} |`);
}
