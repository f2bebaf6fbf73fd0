/**
 * Evidence recorded from real runs, one sample per catalogue entry that is recognised from text:
 * bootstrap.log and status.json of the real bootstrap failing on a local VM (the lab kit's
 * mirror, stand-ins answering 403/429/a wrong key, a held apt lock, a full tmpfs, a dead
 * resolver), dockerd's journal, docker's own messages, and the Pulumi CLI's. Lines that other
 * tools print (curl, apt, dockerd, conda, ssh2) are theirs verbatim; "berth:" lines are the
 * bootstrap's.
 */
export interface Recorded {
  readonly text: string;
  /** Parameters the finding must carry. */
  readonly params?: Readonly<Record<string, string>>;
}

const T = "2026-11-27T15:46:41Z berth:";

export const RECORDED: Readonly<Record<string, Recorded>> = {
  "mirror-unreachable": {
    text: `${T} phase: docker
curl: (7) Failed to connect to mirror.berth.lab port 9 after 1 ms: Couldn't connect to server
${T} mirror down (http://mirror.berth.lab:9/docker-ce) did not answer for debian 12; trying the next
${T} FAILED: no docker-ce mirror answered for debian 12: down (http://mirror.berth.lab:9/docker-ce)`,
    params: { mirror: "down", url: "http://mirror.berth.lab:9/docker-ce" },
  },
  "mirror-forbidden": {
    text: `curl: (22) The requested URL returned error: 403
${T} mirror aliyun (http://doc-standin.berth.lab/forbidden) did not answer for debian 12; trying the next
${T} FAILED: no docker-ce mirror answered for debian 12: aliyun (http://doc-standin.berth.lab/forbidden)`,
    params: { mirror: "aliyun", url: "http://doc-standin.berth.lab/forbidden" },
  },
  "mirror-no-distro": {
    text: `curl: (22) The requested URL returned error: 404
${T} mirror custom (http://mirror.berth.lab/anaconda) did not answer for debian 12; trying the next
${T} FAILED: no docker-ce mirror answered for debian 12: custom (http://mirror.berth.lab/anaconda)`,
    params: { mirror: "custom", url: "http://mirror.berth.lab/anaconda" },
  },
  "apt-key-mismatch": {
    text: `Err:2 http://doc-standin.berth.lab/resigned/linux/debian bookworm InRelease
  The following signatures couldn't be verified because the public key is not available: NO_PUBKEY 22BDA605CDEF55B1
Reading package lists...
W: GPG error: http://doc-standin.berth.lab/resigned/linux/debian bookworm InRelease: The following signatures couldn't be verified because the public key is not available: NO_PUBKEY 22BDA605CDEF55B1
E: The repository 'http://doc-standin.berth.lab/resigned/linux/debian bookworm InRelease' is not signed.
${T} FAILED: command failed (exit 100) at line 191: DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=900 -o Acquire::Retries=3 "$@"`,
    params: { key: "22BDA605CDEF55B1" },
  },
  "apt-hash-mismatch": {
    text: `Err:5 http://doc-standin.berth.lab/stale/linux/debian bookworm/stable amd64 Packages
  Hash Sum mismatch
E: Failed to fetch http://doc-standin.berth.lab/stale/linux/debian/dists/bookworm/stable/binary-amd64/Packages.gz  Hash Sum mismatch
E: Some index files failed to download. They have been ignored, or old ones used instead.`,
    params: { url: "http://doc-standin.berth.lab/stale/linux/debian/dists/bookworm/stable/binary-amd64/Packages.gz" },
  },
  "installer-checksum": {
    text: `2026-11-27T17:46:26Z berth: phase: conda
2026-11-27T17:46:26Z berth: FAILED: the miniconda installer from moved (http://d2-scratch-standin.berth.lab/moved/anaconda/miniconda/Miniconda3-latest-Linux-x86_64.sh) has sha256 2f151a9c43be6876e7ffd23f7fac7740667cd5a1d865eafc3b4f9b283d6c8ea2, not the expected 42aca7fa84fa53c539176e2a276982020f16f95ff415a9e2bc75bf4cf2bbe3a5 — it is not the installer the stack pins (tampered with, or another upload under the same name); berth did not run it`,
    params: { distribution: "miniconda", mirror: "moved", got: "2f151a9c43be6876e7ffd23f7fac7740667cd5a1d865eafc3b4f9b283d6c8ea2", want: "42aca7fa84fa53c539176e2a276982020f16f95ff415a9e2bc75bf4cf2bbe3a5" },
  },
  "installer-unverified": {
    text: `2026-11-27T17:46:31Z berth: phase: conda
2026-11-27T17:46:31Z berth: FAILED: refusing the miniconda installer from labkit (http://mirror.berth.lab/anaconda/miniconda/Miniconda3-latest-Linux-x86_64.sh): plain HTTP and no sha256 to check it — set berth:bootstrap.conda.sha256, pin a version berth knows, or use an https mirror`,
    params: { distribution: "miniconda", mirror: "labkit", url: "http://mirror.berth.lab/anaconda/miniconda/Miniconda3-latest-Linux-x86_64.sh" },
  },
  "redirect-off-tls": {
    text: `2026-11-27T17:46:39Z berth: phase: conda
curl: (1) Protocol "http" not supported or disabled in libcurl
2026-11-27T17:46:39Z berth: installer mirror campus (https://d2-scratch-standin.berth.lab/to-http/anaconda/miniconda/Miniconda3-latest-Linux-x86_64.sh) failed; trying the next
2026-11-27T17:46:39Z berth: FAILED: no mirror served the miniconda installer: campus (https://d2-scratch-standin.berth.lab/to-http/anaconda/miniconda/Miniconda3-latest-Linux-x86_64.sh)`,
    params: { protocol: "http", mirror: "campus", url: "https://d2-scratch-standin.berth.lab/to-http/anaconda/miniconda/Miniconda3-latest-Linux-x86_64.sh" },
  },
  "docker-key-unexpected": {
    text: `2026-11-27T17:46:12Z berth: phase: docker
2026-11-27T17:46:12Z berth: FAILED: the docker-ce signing key from resynced (http://d2-scratch-standin.berth.lab/resigned/docker-ce/linux/debian/gpg) is 06C92374F8B865AE4F6F96EBFE845030FE2327F8, not the expected BFA803565EC5A632A51D5C8D22BDA605CDEF55B1 — berth trusts no other key for this mirror and installed nothing from it (if its key changed on purpose, pin the new fingerprint in dockerCeKeyFingerprint)`,
    params: { source: "resynced (http://d2-scratch-standin.berth.lab/resigned/docker-ce/linux/debian/gpg)", found: "06C92374F8B865AE4F6F96EBFE845030FE2327F8", want: "BFA803565EC5A632A51D5C8D22BDA605CDEF55B1" },
  },
  "docker-key-swap": {
    text: `2026-11-27T17:46:18Z berth: phase: docker
2026-11-27T17:46:19Z berth: FAILED: docker-ce mirror docker-copy is signed with key 9DC858229FC7DD38854AE2D88D81803C0EBFCD88, but this host already trusts key BFA803565EC5A632A51D5C8D22BDA605CDEF55B1 in /etc/apt/keyrings/docker.gpg — berth never replaces a trusted signing key; if the new key is intended, remove /etc/apt/keyrings/docker.gpg on the host and run the bootstrap again`,
    params: { mirror: "docker-copy", want: "9DC858229FC7DD38854AE2D88D81803C0EBFCD88", have: "BFA803565EC5A632A51D5C8D22BDA605CDEF55B1", keyring: "/etc/apt/keyrings/docker.gpg" },
  },
  "installer-missing": {
    text: `curl: (22) The requested URL returned error: 404
${T} installer mirror labkit (http://mirror.berth.lab/anaconda/miniconda/Miniconda3-py399_1.0-Linux-x86_64.sh) failed; trying the next
${T} FAILED: no mirror served the miniconda installer: labkit (http://mirror.berth.lab/anaconda/miniconda/Miniconda3-py399_1.0-Linux-x86_64.sh)`,
    params: { distribution: "miniconda", mirror: "labkit" },
  },
  "dns-broken": {
    text: `curl: (6) Could not resolve host: mirror.berth.lab
${T} mirror labkit (http://mirror.berth.lab/docker-ce) did not answer for debian 12; trying the next
${T} FAILED: no docker-ce mirror answered for debian 12: labkit (http://mirror.berth.lab/docker-ce)`,
    params: { host: "mirror.berth.lab" },
  },
  "dpkg-locked": {
    text: `Reading package lists...
E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4052 (python3)
E: Unable to lock directory /var/lib/apt/lists/`,
    params: { lock: "/var/lib/apt/lists/lock", pid: "4052", process: "python3" },
  },
  "disk-full": {
    text: `PREFIX=/opt/conda
Unpacking payload ... (Miniconda3 stand-in: no payload)
/tmp/tmp.l1VOrvHBM0/installer.sh: line 30: echo: write error: No space left on device
${T} FAILED: command failed (exit 1) at line 328: bash "$installer" -b -p "$CONDA_PREFIX_DIR"`,
  },
  "docker-version-missing": {
    text: `${T} docker-ce 99.0.1 is not offered by the mirror
${T} FAILED: docker-ce version 99.0.1: no single match on labkit (apt-cache madison docker-ce lists what it has)`,
    params: { version: "99.0.1", mirror: "labkit" },
  },
  "docker-version-ambiguous": {
    text: `${T} docker-ce 20.10 is ambiguous: 5:20.10.24~3-0~debian-bookworm 5:20.10.23~3-0~debian-bookworm — pin the full version
${T} FAILED: docker-ce version 20.10: no single match on labkit (apt-cache madison docker-ce lists what it has)`,
    params: { version: "20.10", candidates: "5:20.10.24~3-0~debian-bookworm 5:20.10.23~3-0~debian-bookworm" },
  },
  "conda-tos": {
    text: `CondaToSNonInteractiveError: Terms of Service have not been accepted for the following channels. Please accept or remove them before proceeding:
    • https://repo.anaconda.com/pkgs/main
    • https://repo.anaconda.com/pkgs/r`,
  },
  "unsupported-os": {
    text: `${T} FAILED: unsupported operating system: Fedora Linux 40 (Container Image) (ID=fedora VERSION_ID=40) — berth supports Ubuntu 20.04/22.04/24.04, Debian 11/12, CentOS 7 and Stream 8/9, RHEL/Rocky/Alma 8/9, OpenCloudOS, TencentOS, Anolis, Alibaba Cloud Linux and openEuler`,
    params: { os: "Fedora Linux 40 (Container Image)" },
  },
  "docker-user-missing": {
    text: `${T} FAILED: cannot add student to the docker group: no such user`,
    params: { user: "student" },
  },
  "daemon-json-invalid": {
    text: `unable to configure the Docker daemon with file /etc/docker/daemon.json: the following directives don't match any configuration option: registry-mirror`,
    params: { file: "/etc/docker/daemon.json" },
  },
  "daemon-hosts-conflict": {
    text: `2026-11-27T17:17:22+0000 d2-scratch dockerd[3449]: unable to configure the Docker daemon with file /etc/docker/daemon.json: the following directives are specified both as a flag and in the configuration file: hosts: (from flag: [fd://], from file: [unix:///var/run/docker.sock tcp://0.0.0.0:2375])
ERROR: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?`,
    params: { flag: "fd://", file: "unix:///var/run/docker.sock tcp://0.0.0.0:2375" },
  },
  "docker-down": {
    text: `Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?`,
    params: { socket: "unix:///var/run/docker.sock" },
  },
  "docker-start-failed": {
    text: `${T} FAILED: docker did not answer 60 s after start (journalctl -u docker says why)`,
  },
  "registry-mirror-inactive": {
    text: `${T} FAILED: registry mirror https://mirror.ccs.tencentyun.com is not active in docker info (is /etc/docker/daemon.json valid? dockerd -q --validate says)`,
    params: { mirror: "https://mirror.ccs.tencentyun.com" },
  },
  "hub-rate-limit": {
    text: `Error response from daemon: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit`,
  },
  "hub-mirror-closed": {
    text: `2026-11-27T15:47:03+0000 Attempting next endpoint for pull after error: denied: this mirror is closed`,
    params: { answer: "denied: this mirror is closed" },
  },
  "hub-unreachable": {
    text: `Error response from daemon: Get "https://registry-1.docker.io/v2/": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)`,
  },
  "image-not-found": {
    text: `Error response from daemon: manifest for registry.berth.lab:5000/berth/app:v9 not found: manifest unknown: manifest unknown`,
    params: { image: "registry.berth.lab:5000/berth/app:v9" },
  },
  "registry-login-failed": {
    text: `Error response from daemon: login attempt to http://registry.berth.lab:5000/v2/ failed with status: 401 Unauthorized`,
    params: { url: "http://registry.berth.lab:5000/v2/" },
  },
  "registry-insecure": {
    text: `Error response from daemon: Get "https://registry.berth.lab:5000/v2/": http: server gave HTTP response to HTTPS client`,
    params: { registry: "registry.berth.lab:5000" },
  },
  "docker-permission-denied": {
    text: `permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.24/containers/json": dial unix /var/run/docker.sock: connect: permission denied`,
  },
  "ssh-unreachable": {
    text: `debian@127.0.0.1:1: cannot connect over SSH after 2 attempts: connect ECONNREFUSED 127.0.0.1:1 — nothing accepts connections on port 1 of 127.0.0.1: is the server up, and is 1 its SSH port?`,
    params: { detail: "connect ECONNREFUSED 127.0.0.1:1" },
  },
  "ssh-auth-failed": {
    text: `debian@203.0.113.7:22: the server refused the key ~/.ssh/id_ed25519 for user debian — check the user (user@address) and that the matching public key is in ~debian/.ssh/authorized_keys there`,
    params: { user: "debian" },
  },
  "ssh-host-key-changed": {
    text: `127.0.0.1:2222: host key changed from SHA256:Ab8wE6B0Fd0r3j5H1TdGgk0PqVx8eW8aP7kYcN0bM1s to SHA256:BtPFP2awf6xh8HovdDTXGAVkYpQoFuQ2iPor9lt3avQ — refusing to connect; if the server was rebuilt, remove its line from /root/.config/berth/known_hosts`,
    params: { new: "SHA256:BtPFP2awf6xh8HovdDTXGAVkYpQoFuQ2iPor9lt3avQ" },
  },
  "pulumi-missing": {
    text: `pulumi-cli: error: no Pulumi CLI v3.248.0: not on PATH, not in ~/.pulumi/versions/3.248.0, get.pulumi.com unreachable, and the Go build failed (above) or no Go toolchain is installed`,
    params: { want: "3.248.0" },
  },
  "passphrase-missing": {
    text: `error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE environment variables`,
  },
  "passphrase-wrong": {
    text: `error: incorrect passphrase`,
  },
  "stack-invalid": {
    text: `error: the stack config has 1 problem(s):
  berth:bootstrap.mirror: unknown mirror "aliyn" — did you mean "aliyun"? (official, aliyun, tuna, ustc, tencent, tencent-internal, huawei, azure-china, { url: … })`,
  },
  "engine-down": {
    text: `Error: connect ENOENT /var/run/docker.sock`,
  },
  "ssh-key-missing": {
    text: `berth: no SSH private key found (looked for ~/.ssh/id_ed25519, ~/.ssh/id_ecdsa, ~/.ssh/id_rsa) — make one with ssh-keygen -t ed25519 and add its .pub to the server's ~/.ssh/authorized_keys, or pass --identity FILE`,
    params: { path: "~/.ssh/id_ed25519, ~/.ssh/id_ecdsa, ~/.ssh/id_rsa" },
  },
  "ssh-key-unusable": {
    text: `Encrypted private OpenSSH key detected, but no passphrase given`,
  },
};

/** Entries doctor's own checks report (no text pattern): the test file that produces each from evidence. */
export const PROBED: Readonly<Record<string, string>> = {
  "docker-group-relogin": "analyse", "docker-storage-vfs": "analyse", "bootstrap-running": "analyse",
  "cloud-init-running": "analyse", "bootstrap-not-run": "analyse", "app-not-deployed": "analyse",
  "app-not-running": "analyse", "app-unhealthy": "analyse", "port-closed": "analyse",
  "node-too-old": "machine", "pulumi-version": "machine", "backend-missing": "machine", "backend-unreachable": "machine",
  "secret-missing": "machine", "secret-plaintext": "machine", "ssh-key-mismatch": "machine", "kit-down": "integration/doctor-machine",
};
