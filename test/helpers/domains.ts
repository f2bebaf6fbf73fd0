/**
 * fast-check generators for each field domain (src/config/fields.ts `domain()`): values the
 * consumer accepts, and values it refuses. Invalid values are judged by the consumer's own
 * parser where there is one (node:net for addresses), never by berth's code under test.
 */
import { isIP } from "node:net";
import fc from "fast-check";
import { SUPPORTED_OS } from "../../src/config/os.js";
import { PUBKEY, RSA_PUBKEY } from "./config.js";

export interface DomainGen {
  readonly valid?: fc.Arbitrary<unknown>;
  readonly invalid: fc.Arbitrary<unknown>;
}

const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.ipV4();
const ipv6 = fc.ipV6();
const port = fc.integer({ min: 1, max: 65535 });
const badPort = fc.oneof(fc.constant(0), fc.integer({ min: 65536, max: 99999 }));
const host = fc.domain().filter((d) => !/^\d+$/.test(d.split(".").at(-1) ?? ""));
const cidr4 = fc.tuple(ipv4, fc.integer({ min: 0, max: 32 })).map(([a, p]) => `${a}/${p}`);
const cidr6 = fc.tuple(ipv6, fc.integer({ min: 0, max: 128 })).map(([a, p]) => `${a}/${p}`);
const badCidr = fc.oneof(
  fc.tuple(ipv4, fc.integer({ min: 33, max: 999 })).map(([a, p]) => `${a}/${p}`),
  fc.tuple(ipv6, fc.integer({ min: 129, max: 9999 })).map(([a, p]) => `${a}/${p}`),
  fc.tuple(fc.integer({ min: 256, max: 999 }), octet, octet, octet, fc.integer({ min: 0, max: 32 })).map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`),
  fc.tuple(ipv6, ipv6, fc.integer({ min: 0, max: 128 })).map(([a, b, p]) => `${a}::${b}/${p}`).filter((x) => isIP(x.split("/")[0] ?? "") === 0),
);
const badIp = fc.oneof(fc.tuple(fc.integer({ min: 256, max: 999 }), octet, octet, octet).map((o) => o.join(".")), fc.constant("1::2::3"), fc.constant("fe80::1%eth0"), fc.constant("10.0.0"));
const dash = (a: fc.Arbitrary<string>) => a.map((s) => `-${s}`);
const word = fc.stringMatching(/^[a-z][a-z0-9]{0,11}$/);
const absPath = fc.stringMatching(/^(\/[a-z0-9._-]{1,12}){1,4}$/);
const anyText = fc.string({ maxLength: 40 });
const noControl = anyText.filter((s) => !/[\u0000-\u001f]/.test(s));
const withControl = fc.tuple(anyText, fc.constantFrom("\n", "\t", "\u0000", "\r"), anyText).map(([a, c, b]) => a + c + b);

function ed25519(): fc.Arbitrary<string> {
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return fc.tuple(fc.uint8Array({ minLength: 32, maxLength: 32 }), word).map(([k, c]) => `ssh-ed25519 ${Buffer.concat([str(Buffer.from("ssh-ed25519")), str(Buffer.from(k))]).toString("base64")} ${c}`);
}

export const DOMAINS: Record<string, DomainGen> = {
  "openpgp-fingerprint": {
    valid: fc.oneof(fc.stringMatching(/^[0-9A-F]{40}$/), fc.stringMatching(/^[0-9a-f]{40}$/), fc.stringMatching(/^([0-9A-F]{4} ){9}[0-9A-F]{4}$/)),
    invalid: fc.oneof(fc.stringMatching(/^[0-9A-F]{16}$/), fc.stringMatching(/^[0-9A-F]{8}$/), fc.stringMatching(/^[0-9A-F]{39}$/), fc.constantFrom("not-a-key", "9DC858229FC7DD38854AE2D88D81803C0EBFCD8G")),
  },
  "source-range": { valid: fc.oneof(cidr4, cidr6, ipv4), invalid: badCidr },
  os: { valid: fc.constantFrom(...SUPPORTED_OS), invalid: fc.oneof(fc.constantFrom("ubuntu-18.04", "debian-10", "fedora-40", "Ubuntu-24.04", "ubuntu"), word.filter((w) => !SUPPORTED_OS.includes(w))) },
  "user-name": { valid: fc.stringMatching(/^[a-z_][a-z0-9_-]{0,31}$/), invalid: fc.oneof(dash(word), fc.constantFrom("Alice", "1abc", "a b", "x".repeat(33))) },
  "host-name": { valid: fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,50}[a-z0-9])?$/), invalid: fc.oneof(dash(word), fc.constantFrom("Lab", "web_1", "a".repeat(53), "lab-")) },
  region: { valid: fc.stringMatching(/^[a-z]{3}[0-9]$/), invalid: fc.oneof(dash(word), fc.constantFrom("Singapore 1", "sgp", "ap-guangzhou", "SGP1")) },
  size: { valid: fc.stringMatching(/^[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,3}$/), invalid: fc.oneof(dash(word), fc.constantFrom("S5.MEDIUM4", "s 1", "s--1")) },
  "image-id": { valid: fc.oneof(fc.stringMatching(/^[a-z0-9]{1,8}([.-][a-z0-9]{1,8}){0,3}$/), fc.integer({ min: 1, max: 1e9 }).map(String)), invalid: fc.oneof(dash(word), fc.constantFrom("Ubuntu 24", "img_1", "a..b")) },
  "ssh-public-key": {
    valid: fc.oneof(ed25519(), fc.constantFrom(PUBKEY, RSA_PUBKEY)),
    invalid: fc.oneof(word, fc.constantFrom("ssh-ed25519", "ssh-dss AAAAB3NzaC1kc3MAAACBAP", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBerth", `ssh-rsa ${PUBKEY.split(" ")[1]}`), ed25519().map((k) => k.replace("ssh-ed25519", "ssh-rsa"))),
  },
  address: { valid: fc.oneof(ipv4, ipv6, host), invalid: fc.oneof(dash(host), badIp.filter((x) => !x.includes(":")), fc.constantFrom("my server", "host_name.lab", "300.1.1.1")) },
  "mirror-name": { valid: fc.constantFrom("aliyun", "tuna", "tencent", "huawei"), invalid: word.filter((w) => !["aliyun", "tuna", "tencent", "huawei", "official", "ustc", "azure", "huaweicloud"].includes(w)) },
  "http-url": {
    valid: fc.tuple(host, fc.option(port, { nil: undefined }), fc.stringMatching(/^(\/[a-z0-9-]{1,8}){0,3}$/)).map(([h, p, path]) => `https://${h}${p ? `:${p}` : ""}${path}`),
    invalid: fc.oneof(host, host.map((h) => `ftp://${h}`), fc.constant("https://"), fc.tuple(host, badPort).map(([h, p]) => `https://${h}:${p}/`)),
  },
  "registry-mirror": { valid: fc.tuple(host, fc.option(port, { nil: undefined })).map(([h, p]) => `https://${h}${p ? `:${p}` : ""}`), invalid: fc.oneof(dash(host), host.map((h) => `http://${h}`), fc.constantFrom("ustc", "hub")) },
  "insecure-registry": { valid: fc.oneof(host, fc.tuple(host, port).map(([h, p]) => `${h}:${p}`), cidr4), invalid: fc.oneof(dash(host), fc.tuple(host, badPort).map(([h, p]) => `${h}:${p}`), host.map((h) => `http://${h}`), badCidr) },
  "registry-server": { valid: fc.oneof(host, fc.tuple(host, port).map(([h, p]) => `${h}:${p}`)), invalid: fc.oneof(dash(host), fc.tuple(host, badPort).map(([h, p]) => `${h}:${p}`), host.map((h) => `https://${h}`)) },
  "registry-username": { valid: fc.stringMatching(/^[A-Za-z0-9._@+][A-Za-z0-9._@+-]{0,30}$/), invalid: fc.oneof(dash(word), fc.constant(""), withControl) },
  "image-ref": {
    valid: fc.tuple(fc.option(fc.tuple(host, fc.option(port, { nil: undefined })), { nil: undefined }), fc.stringMatching(/^[a-z0-9]{1,8}([._-][a-z0-9]{1,8}){0,2}$/), fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,15}$/))
      .map(([r, n, t]) => `${r ? `${r[0]}${r[1] ? `:${r[1]}` : ""}/` : ""}${n}:${t}`),
    invalid: fc.oneof(dash(word).map((w) => `${w}/app:v1`), word, word.map((w) => `${w.toUpperCase()}X:v1`), fc.tuple(host, badPort).map(([h, p]) => `${h}:${p}/app:v1`)),
  },
  "port-map": {
    valid: fc.tuple(fc.option(ipv4, { nil: undefined }), port, port, fc.constantFrom("", "/tcp", "/udp")).map(([ip, a, b, proto]) => `${ip ? `${ip}:` : ""}${a}:${b}${proto}`),
    invalid: fc.oneof(port.map(String), fc.tuple(badPort, port).map(([a, b]) => `${a}:${b}`), fc.tuple(port, badPort).map(([a, b]) => `${a}:${b}`), port.map((p) => `-${p}:${p}`), fc.tuple(port, port).map(([a, b]) => `${a}:${b}/sctp`)),
  },
  volume: {
    valid: fc.tuple(fc.oneof(absPath, fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{1,12}$/)), absPath, fc.constantFrom("", ":ro", ":rw")).map(([s, t, o]) => `${s}:${t}${o}`),
    invalid: fc.oneof(word, dash(word).map((w) => `${w}:/data`), fc.constantFrom("x:/data", "data:relative", "data:/x:rx", "/a:/b:ro:extra")),
  },
  "env-name": { valid: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,15}$/), invalid: fc.constantFrom("1X", "A-B", "A B", "") },
  "conda-spec": {
    valid: fc.tuple(fc.option(fc.constantFrom("conda-forge::", "pytorch::"), { nil: undefined }), fc.stringMatching(/^[a-z][a-z0-9_-]{0,12}$/), fc.option(fc.constantFrom("=1.26", ">=1.11,<2", " 1.26.*", "==2.0.1=py312_0", " 3.12.* *_cpython"), { nil: undefined }))
      .map(([c, n, v]) => `${c ?? ""}${n}${v ?? ""}`),
    invalid: fc.oneof(fc.constantFrom("scikit learn", "numpy >= x", "-numpy", "num py=1", "numpy=="), withControl),
  },
  "conda-env-name": { valid: fc.stringMatching(/^[A-Za-z0-9_.][A-Za-z0-9._-]{0,20}$/), invalid: fc.oneof(dash(word), fc.constantFrom("my env", "a/b", "")) },
  "conda-channel": { valid: fc.oneof(fc.constantFrom("conda-forge", "pytorch", "nvidia/label/cuda-12.4.0", "defaults"), host.map((h) => `https://${h}/conda`)), invalid: fc.constantFrom("conda forge", "-c", "/abs", "conda-forge/", "ftp://x") },
  "daemon-string": { valid: noControl, invalid: withControl },
  "daemon-path": { valid: absPath, invalid: fc.oneof(word, fc.constant("")) },
  "daemon-size": { valid: fc.oneof(fc.tuple(fc.integer({ min: 1, max: 999 }), fc.constantFrom("", "k", "m", "g", "MB", "GiB", "b")).map(([n, u]) => `${n}${u}`), fc.integer({ min: 0, max: 2 ** 40 })), invalid: fc.oneof(fc.constantFrom("big", "10 megabytes", "1.5.x", "-1m"), fc.integer({ min: -100, max: -1 })) },
  "daemon-ip": { valid: fc.oneof(ipv4, ipv6), invalid: badIp },
  "daemon-ip4": { valid: ipv4, invalid: fc.oneof(badIp, ipv6) },
  "daemon-ip6": { valid: ipv6, invalid: fc.oneof(badIp, ipv4) },
  "daemon-cidr4": { valid: cidr4, invalid: fc.oneof(badCidr, cidr6, ipv4) },
  "daemon-cidr6": { valid: cidr6, invalid: fc.oneof(badCidr, cidr4) },
  "daemon-host": { invalid: fc.oneof(host.map((h) => `http://${h}`), fc.tuple(host, badPort).map(([h, p]) => `tcp://${h}:${p}`)) },
  "daemon-host-port": { valid: fc.tuple(ipv4, port).map(([a, p]) => `${a}:${p}`), invalid: fc.oneof(ipv4, fc.tuple(ipv4, badPort).map(([a, p]) => `${a}:${p}`)) },
  "daemon-exec-opt": { valid: fc.constantFrom("native.cgroupdriver=systemd", "native.cgroupdriver=cgroupfs", "native.umask=normal"), invalid: fc.constantFrom("systemd", "native.cgroupdriver=docker", "=x") },
  "daemon-label": { valid: fc.tuple(word, noControl).map(([k, v]) => `lab.${k}=${v}`), invalid: fc.oneof(word, fc.constantFrom("com.docker.x=1", "io.docker.y=2")) },
  "daemon-domain": { valid: host, invalid: fc.oneof(dash(word), fc.constantFrom("bad domain", "a..b")) },
  "daemon-pool-base": { invalid: fc.oneof(badCidr, word) },
  "file-path": { valid: fc.string({ minLength: 1, maxLength: 30 }), invalid: fc.constant("") },
  text: { valid: fc.constant("name: lab\ndependencies: [numpy]\n"), invalid: fc.integer() },
  secret: { valid: fc.string({ maxLength: 30 }).filter((s) => !/[\n\0]/.test(s)), invalid: fc.integer() },
  ciphertext: { valid: fc.string({ maxLength: 30 }), invalid: fc.integer() },
  "env-value": { valid: anyText, invalid: fc.integer() },
  "container-arg": { valid: anyText, invalid: fc.integer() },
  "roster-file": { valid: fc.stringMatching(/^[a-z0-9_-]{1,12}\/[a-z0-9_-]{1,12}\.csv$/), invalid: fc.constant("") },
  "roster-header": { valid: fc.constantFrom("id", "学号", "Matrikel"), invalid: fc.constant("") },
  "lab-expires": {
    valid: fc.oneof(
      fc.tuple(fc.integer({ min: 1, max: 366 }), fc.constantFrom("h", "d")).map(([n, u]) => `${n}${u}`),
      fc.tuple(fc.integer({ min: 2027, max: 2030 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), fc.constantFrom("Z", "+08:00", "-05:00")).map(([y, m, d, z]) => `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}T18:00:00${z}`),
    ),
    invalid: fc.oneof(fc.constantFrom("tomorrow", "14 days", "0h", "400d", "2027-13-01", "2027-02-30T10:00:00+08:00", "2027-01-15T25:00:00Z"), word.filter((w) => !/^\d+[hdw]$/.test(w))),
  },
  timezone: { valid: fc.constantFrom("Asia/Shanghai", "UTC", "Europe/Berlin", "America/New_York"), invalid: fc.constantFrom("Mars/Base", "GMT+25", "", "Asia/Beijing") },
  "lab-prefix": { valid: fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/), invalid: fc.oneof(dash(word), fc.constantFrom("Lab", "a".repeat(25), "lab-", "lab_1")) },
  "cache-url": {
    valid: fc.tuple(fc.constantFrom("http", "https"), fc.oneof(ipv4, host, ipv6.map((a) => `[${a}]`)), fc.option(port, { nil: undefined }), fc.constantFrom("", "/")).map(([s, h, p, slash]) => `${s}://${h}${p ? `:${p}` : ""}${slash}`),
    invalid: fc.oneof(ipv4, host.map((h) => `ftp://${h}`), fc.tuple(host, fc.stringMatching(/^\/[a-z]{1,8}$/)).map(([h, path]) => `http://${h}${path}`), host.map((h) => `http://user@${h}`), host.map((h) => `http://${h}/?x=1`), fc.tuple(host, badPort).map(([h, p]) => `http://${h}:${p}`)),
  },
  "cache-size": { valid: fc.tuple(fc.integer({ min: 1, max: 999 }), fc.constantFrom("k", "m", "g")).map(([n, u]) => `${n}${u}`), invalid: fc.constantFrom("20GB", "0g", "20", "g", "-1g", "1.5g", "20 g") },
  requirement: { valid: fc.stringMatching(/^[a-z][a-z0-9_-]{0,10}(==\d\.\d)?$/), invalid: fc.oneof(fc.constant(""), withControl) },
};
