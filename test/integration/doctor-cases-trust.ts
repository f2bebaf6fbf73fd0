/**
 * What the bootstrap refuses to trust, and a mirror whose key does not sign its index, each
 * produced for real on the lab VM: stand-in mirrors (doctor-standin.py) pinned the way a user
 * pins a mirror, a fresh keyring where the case is a fresh host's, and conda installers moved
 * aside where the case is a first install. Each case restores the host before the next.
 */
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { DOCKER_CE_KEY_FINGERPRINT as DOCKER } from "../../src/config/signing-keys.js";
import { KIT_MIRROR_KEY_FINGERPRINT as KIT } from "../../src/local/kit.js";
import { finding, PASSWORD, says } from "./doctor-assert.js";
import { dockerCeFrom, localConfig, PUBLISHED_KEY, STANDIN_CERT, STANDIN_HOST, type Lab } from "./doctor-lab.js";

const KEYRING = "/etc/apt/keyrings/docker.gpg";
/** The kit's stand-in installer and the sha256 the local stack pins for it. */
const INSTALLER = "anaconda/miniconda/Miniconda3-latest-Linux-x86_64.sh";
const PINNED = "42aca7fa84fa53c539176e2a276982020f16f95ff415a9e2bc75bf4cf2bbe3a5";

/** Runs CASE on a host without conda, as on a first install, and puts conda back after. */
async function firstConda(lab: Lab, run: () => Promise<void>): Promise<void> {
  await lab.root("mv /opt/conda /opt/conda.kept");
  try {
    await run();
  } finally {
    await lab.root("rm -rf /opt/conda && mv /opt/conda.kept /opt/conda");
    await lab.restore();
  }
}

export const TRUST_CASES: [string, (lab: Lab) => Promise<void>][] = [
  ["a mirror whose published key did not sign its index (a fresh host that pinned the key the mirror publishes)", async (lab) => {
    // A fresh host trusts no docker-ce key yet; the user pinned the fingerprint of the key the
    // mirror publishes at /linux/debian/gpg, and the mirror's index is signed with another.
    await lab.apply(localConfig(dockerCeFrom(`http://${STANDIN_HOST}/resigned`, "resynced", PUBLISHED_KEY)));
    await lab.root(`rm -f ${KEYRING} /var/lib/berth/mirror.docker-ce`);
    try {
      expect(await lab.bootstrap()).toBe(1);
      const s = await lab.status();
      expect(s.errors).toEqual([`apt-get update failed (exit 100): W: GPG error: http://${STANDIN_HOST}/resigned/docker-ce/linux/debian bookworm InRelease: The following signatures couldn't be verified because the public key is not available: NO_PUBKEY 22BDA605CDEF55B1; E: The repository 'http://${STANDIN_HOST}/resigned/docker-ce/linux/debian bookworm InRelease' is not signed.`]);
      const f = finding(await lab.doctor(PASSWORD), "bootstrap", "apt-key-mismatch");
      expect(f.params.key).toBe("22BDA605CDEF55B1");
      says(f, { title: "The mirror's signing key does not match its packages" }, { title: "镜像源的签名密钥和软件包对不上" });
    } finally {
      await lab.restore();
    }
  }],
  ["a mirror that serves another docker-ce key than the one pinned: nothing is installed from it", async (lab) => {
    await lab.apply(localConfig(dockerCeFrom(`http://${STANDIN_HOST}/resigned`, "resynced", KIT)));
    await lab.root("rm -f /var/lib/berth/mirror.docker-ce");
    const before = (await lab.root(`sha256sum ${KEYRING} /etc/apt/sources.list.d/docker.list`)).stdout;
    try {
      expect(await lab.bootstrap()).toBe(1);
      const url = `http://${STANDIN_HOST}/resigned/docker-ce/linux/debian/gpg`;
      expect((await lab.status()).errors).toEqual([`the docker-ce signing key from resynced (${url}) is ${PUBLISHED_KEY}, not the expected ${KIT} — berth trusts no other key for this mirror and installed nothing from it (if its key changed on purpose, pin the new fingerprint in dockerCeKeyFingerprint)`]);
      expect((await lab.root(`sha256sum ${KEYRING} /etc/apt/sources.list.d/docker.list`)).stdout).toBe(before);
      const f = finding(await lab.doctor(PASSWORD), "bootstrap", "docker-key-unexpected");
      expect(f.params).toEqual({ source: `resynced (${url})`, found: PUBLISHED_KEY, want: KIT });
      says(f,
        { title: "The mirror's docker-ce signing key is not the one pinned", fix: "If the mirror's owner changed keys on purpose, pin the new fingerprint as dockerCeKeyFingerprint of that mirror in berth:bootstrap.mirror (gpg --show-keys on the key shows it); otherwise put another mirror first and ask the mirror's owner." },
        { title: "镜像源的 docker-ce 签名密钥不是指定的那把", fix: "如果是镜像源维护者有意换了密钥，就在 berth:bootstrap.mirror 里把那个镜像源的 dockerCeKeyFingerprint 改成新指纹（用 gpg --show-keys 查看密钥的指纹）；否则把别的镜像源放到前面，并联系镜像源的维护者。" });
    } finally {
      await lab.restore();
    }
  }],
  ["a switch to a mirror signed with another key than the host trusts: berth does not swap it", async (lab) => {
    // The host first trusted the kit's key; the stack now names a mirror that copies Docker's
    // repository (so berth's copy of Docker's key is the one it needs).
    await lab.apply(localConfig(dockerCeFrom("http://mirror.berth.lab", "docker-copy")));
    await lab.root("rm -f /var/lib/berth/mirror.docker-ce");
    try {
      expect(await lab.bootstrap()).toBe(1);
      expect((await lab.status()).errors).toEqual([`docker-ce mirror docker-copy is signed with key ${DOCKER}, but this host already trusts key ${KIT} in ${KEYRING} — berth never replaces a trusted signing key; if the new key is intended, remove ${KEYRING} on the host and run the bootstrap again`]);
      const f = finding(await lab.doctor(PASSWORD), "bootstrap", "docker-key-swap");
      expect(f.params).toEqual({ mirror: "docker-copy", want: DOCKER, have: KIT, keyring: KEYRING });
      says(f,
        { title: "The host already trusts another docker-ce signing key, and berth will not swap it", fix: `If the switch is intended, remove the old key on the host (sudo rm ${KEYRING}) and run the bootstrap again (\`sudo bash /usr/local/lib/berth/bootstrap.sh\`); otherwise keep a mirror signed with the key the host trusts first in berth:bootstrap.mirror.` },
        { title: "主机已经信任了另一把 docker-ce 签名密钥，berth 不会替换它", fix: `如果确实要换，就在主机上删掉旧密钥（sudo rm ${KEYRING}），再运行一次 bootstrap（\`sudo bash /usr/local/lib/berth/bootstrap.sh\`）；否则在 berth:bootstrap.mirror 里把用主机已信任的密钥签名的镜像源放到前面。` });
    } finally {
      await lab.restore();
    }
  }],
  ["a conda installer whose sha256 is not the pinned one (another build under `latest`): it does not run", (lab) => firstConda(lab, async () => {
    await lab.apply(localConfig({ conda: { mirror: { url: `http://${STANDIN_HOST}/moved`, name: "moved" } } }));
    expect(await lab.bootstrap()).toBe(1);
    const got = (await lab.root(`curl -fsS http://${STANDIN_HOST}/moved/${INSTALLER} | sha256sum | cut -d' ' -f1`)).stdout.trim();
    expect(got).toMatch(/^[0-9a-f]{64}$/);
    const url = `http://${STANDIN_HOST}/moved/${INSTALLER}`;
    expect((await lab.status()).errors).toEqual([`the miniconda installer from moved (${url}) has sha256 ${got}, not the expected ${PINNED} — it is not the installer the stack pins (tampered with, or another upload under the same name); berth did not run it`]);
    expect((await lab.root("test -e /opt/conda && echo ran; echo checked")).stdout).toBe("checked\n");
    const f = finding(await lab.doctor(PASSWORD), "bootstrap", "installer-checksum");
    expect(f.params).toEqual({ distribution: "miniconda", mirror: "moved", url, got, want: PINNED });
    says(f,
      { title: "The conda installer does not match its sha256 (tampered with, or a moved `latest`)", fix: "Pin a version berth knows in berth:bootstrap.conda.version (its sha256 comes with berth), or give the sha256 of the version you pin from its release's SHA256SUMS; if the mirror serves a file that is not the release, use another mirror (berth:bootstrap.conda.mirror)." },
      { title: "conda 安装包的 sha256 对不上（被篡改，或者 `latest` 已经更新）", fix: "在 berth:bootstrap.conda.version 里指定一个 berth 认识的版本（berth 自带它的 sha256），或者按发布页的 SHA256SUMS 填写所指定版本的 sha256；如果镜像源给的根本不是发布的文件，就换一个镜像源（berth:bootstrap.conda.mirror）。" });
  })],
  ["a plain-HTTP conda installer with no sha256 in the host's inputs (not rendered by this berth): refused", (lab) => firstConda(lab, async () => {
    // berth's config refuses this stack; the host meets it only in inputs an older berth wrote,
    // or edited by hand — here, bootstrap.conf with its sha256 lines emptied.
    await lab.root(`sed -i "s/^CONDA_SHA256_X86_64=.*/CONDA_SHA256_X86_64=''/; s/^CONDA_SHA256_AARCH64=.*/CONDA_SHA256_AARCH64=''/" /etc/berth/bootstrap.conf`);
    expect(await lab.bootstrap()).toBe(1);
    const url = `http://mirror.berth.lab/${INSTALLER}`;
    expect((await lab.status()).errors).toEqual([`refusing the miniconda installer from labkit (${url}): plain HTTP and no sha256 to check it — set berth:bootstrap.conda.sha256, pin a version berth knows, or use an https mirror`]);
    const f = finding(await lab.doctor(PASSWORD), "bootstrap", "installer-unverified");
    expect(f.params).toEqual({ distribution: "miniconda", mirror: "labkit", url });
    says(f,
      { title: "A plain-HTTP conda installer with no sha256 was refused", fix: "Give berth:bootstrap.conda.sha256, pin a version berth knows (berth:bootstrap.conda.version), or use an https mirror for the installer (berth:bootstrap.conda.mirror: tuna); then deliver the rendered bootstrap again (pulumi up)." },
      { title: "拒绝了没有 sha256 的 HTTP conda 安装包", fix: "设置 berth:bootstrap.conda.sha256，或者指定一个 berth 认识的版本（berth:bootstrap.conda.version），或者给安装包用 https 镜像源（berth:bootstrap.conda.mirror: tuna）；然后重新下发生成的 bootstrap（pulumi up）。" });
  })],
  ["an https installer mirror that redirects to plain HTTP: the download is refused", (lab) => firstConda(lab, async () => {
    // The stand-in's certificate is trusted the way a campus or company CA would be.
    await lab.root(`base64 -d > /usr/local/share/ca-certificates/berth-doctor-standin.crt <<<"${readFileSync(STANDIN_CERT).toString("base64")}" && update-ca-certificates >/dev/null 2>&1`);
    try {
      await lab.apply(localConfig({ conda: { mirror: { url: `https://${STANDIN_HOST}/to-http`, name: "campus" } } }));
      expect((await lab.root(`curl -fsS -o /dev/null -w '%{http_code}' https://${STANDIN_HOST}/to-http/${INSTALLER}`)).stdout).toBe("302");
      expect(await lab.bootstrap()).toBe(1);
      const url = `https://${STANDIN_HOST}/to-http/${INSTALLER}`;
      expect((await lab.status()).errors).toEqual([`no mirror served the miniconda installer: campus (${url})`]);
      const h = await lab.doctor(PASSWORD);
      expect(h.checks.find((c) => c.id === "bootstrap")?.findings.map((x) => x.id)).toEqual(["redirect-off-tls"]);
      const f = finding(h, "bootstrap", "redirect-off-tls");
      expect(f.params).toEqual({ protocol: "http", mirror: "campus", url });
      says(f,
        { title: "A mirror redirected an https download off TLS, and berth refused it", fix: "Use the mirror's https address that serves the files itself, or another mirror, in berth:bootstrap.mirror (berth:bootstrap.conda.mirror for the installer). If a mirror is plain HTTP on purpose, give its http:// URL: docker-ce is still checked by its signing key, and the installer by its sha256." },
        { title: "镜像源把 https 下载重定向到了非 TLS 地址，berth 拒绝了", fix: "在 berth:bootstrap.mirror（安装包是 berth:bootstrap.conda.mirror）里改用镜像源直接提供文件的 https 地址，或者换一个镜像源。如果某个镜像源本来就只有 HTTP，就直接写它的 http:// 地址：docker-ce 仍然会按签名密钥校验，安装包仍然会按 sha256 校验。" });
    } finally {
      await lab.root("rm -f /usr/local/share/ca-certificates/berth-doctor-standin.crt && update-ca-certificates --fresh >/dev/null 2>&1");
    }
  })],
];

