// The lab kit itself: idempotent set-up, registry auth, stand-in installer checksums.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { engine, followProgress, KIT_LABEL } from "../../src/local/engine.js";
import { KIT_MIRROR_KEY_FINGERPRINT, kitUp } from "../../src/local/kit.js";

async function kitContainers(): Promise<{ id: string; name: string }[]> {
  const cs = await engine().listContainers({ all: true, filters: { label: [`${KIT_LABEL}=1`] } });
  const named = cs.map((c) => ({ id: c.Id, name: (c.Names.find((n) => n.startsWith("/berth-kit-")) ?? "").slice(1) }));
  return named.filter((c) => c.name !== "").sort((a, b) => a.name.localeCompare(b.name));
}

/** The kit: mirror and registry, the Docker Hub stand-in, the Python mirror, and the cache in front of them. */
const KIT_CONTAINERS = ["berth-kit-cache-front", "berth-kit-cache-pypi", "berth-kit-cache-registry", "berth-kit-hub", "berth-kit-mirror", "berth-kit-python", "berth-kit-registry"];

describe("lab kit", () => {
  it("kitUp is idempotent: same info, same containers", async () => {
    const first = await kitUp();
    const containers = await kitContainers();
    const second = await kitUp();
    expect(second).toEqual(first);
    expect(await kitContainers()).toEqual(containers);
    expect(containers.map((c) => c.name)).toEqual(KIT_CONTAINERS);
    expect(first.appImages.v1).toBe("registry.berth.lab:5000/berth/app:v1");
  });

  it("serves a signed apt index with both docker-ce versions", async () => {
    const kit = await kitUp();
    const base = `${kit.mirrorHostUrl}/docker-ce/linux/debian`;
    const key = await (await fetch(`${base}/gpg`)).text();
    expect(key).toContain("BEGIN PGP PUBLIC KEY BLOCK");
    // The published key is the kit's fixed throwaway key, and signs the index.
    const gnupg = mkdtempSync(join(tmpdir(), "berth-kit-gpg-"));
    try {
      const listed = execFileSync("gpg", ["--homedir", gnupg, "--batch", "--with-colons", "--show-keys"], { input: key, encoding: "utf8" });
      expect(listed.split("\n").filter((l) => l.startsWith("fpr:")).map((l) => l.split(":")[9])).toEqual([KIT_MIRROR_KEY_FINGERPRINT]);
    } finally {
      rmSync(gnupg, { recursive: true, force: true });
    }
    const inRelease = await (await fetch(`${base}/dists/bookworm/InRelease`)).text();
    expect(inRelease).toContain("BEGIN PGP SIGNED MESSAGE");
    expect(inRelease).toMatch(/Components: stable/);
    const packages = await (await fetch(`${base}/dists/bookworm/stable/binary-amd64/Packages`)).text();
    const versions = [...packages.matchAll(/Package: docker-ce\n(?:.*\n)*?Version: (.+)/g)].map((m) => m[1]);
    expect(versions.sort()).toEqual(["5:20.10.23~3-0~debian-bookworm", "5:20.10.24~3-0~debian-bookworm"]);
  });

  it.each([
    ["anaconda/miniconda", "Miniconda3-latest-Linux-x86_64.sh"],
    ["github-release/conda-forge/miniforge/LatestRelease", "Miniforge3-Linux-x86_64.sh"],
  ])("stand-in installer %s/%s matches its SHA256SUMS", async (dir, file) => {
    const kit = await kitUp();
    const body = Buffer.from(await (await fetch(`${kit.mirrorHostUrl}/${dir}/${file}`)).arrayBuffer());
    const sums = await (await fetch(`${kit.mirrorHostUrl}/${dir}/SHA256SUMS`)).text();
    const sha = createHash("sha256").update(body).digest("hex");
    expect(sums.trim()).toBe(`${sha}  ${file}`);
    expect(body.toString()).toContain("STAND-IN");
  });

  it("registry refuses an unauthenticated pull and accepts the password", async () => {
    const kit = await kitUp();
    const ref = `${kit.registryHost}/berth/app:v1`;
    await expect(engine().pull(ref).then((s) => followProgress(s, "pull"))).rejects.toThrow(/auth|401/i);
    const authconfig = { username: kit.registryUser, password: kit.registryPassword, serveraddress: kit.registryHost };
    await followProgress(await engine().pull(ref, { authconfig }), "pull");
    const wrong = await fetch(`http://${kit.registryHost}/v2/berth/app/tags/list`, {
      headers: { Authorization: `Basic ${Buffer.from("berth:wrong").toString("base64")}` },
    });
    expect(wrong.status).toBe(401);
  });

  it("docker login with a throwaway DOCKER_CONFIG works from the host", async () => {
    const kit = await kitUp();
    const dockerConfig = mkdtempSync(join(tmpdir(), "berth-docker-config-"));
    try {
      const env = { ...process.env, DOCKER_CONFIG: dockerConfig };
      const out = execFileSync("docker", ["login", "-u", kit.registryUser, "--password-stdin", kit.registryHost], {
        env,
        input: kit.registryPassword,
        encoding: "utf8",
      });
      expect(out).toContain("Login Succeeded");
      execFileSync("docker", ["pull", "-q", `${kit.registryHost}/berth/app:v2`], { env });
    } finally {
      rmSync(dockerConfig, { recursive: true, force: true });
    }
  });
});
