// Values are checked the way their consumer reads them (the kernel's address parser, dockerd's
// daemon.json decoder, conda, the cloud APIs), and each provider's keys only on that provider.
import { describe, expect, it } from "vitest";
import { configOf, errorsOf, PUBKEY, RSA_PUBKEY } from "../helpers/config.js";

const B = { mirror: "tuna" };
const DASH = (v: string) => `"${v}" starts with "-", so the command it is passed to would read it as an option — remove the leading "-"`;
const CIDR = (v: string) => `"${v}" is not a CIDR block or address — write it like 203.0.113.0/24, 198.51.100.7 or ::/0 (IPv4 prefixes 0–32, IPv6 0–128)`;
const TENCENT = { provider: "tencentcloud", zone: "ap-guangzhou-3", image: "img-487zeit5", sshPublicKey: RSA_PUBKEY };

describe("values are checked by value, not by shape", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ["CIDR prefixes past the family's bits, octets over 255, malformed IPv6", { "berth:host": { provider: "digitalocean", sshPublicKey: PUBKEY, allowSsh: ["10.0.0.0/33", "300.1.1.1/8", "::/129", "1::2::3/64", "fe80::1%eth0/64", "198.51.100.7", "2001:db8::/32"] }, "berth:bootstrap": B }, [
      `berth:host.allowSsh[0]: ${CIDR("10.0.0.0/33")}`,
      `berth:host.allowSsh[1]: ${CIDR("300.1.1.1/8")}`,
      `berth:host.allowSsh[2]: ${CIDR("::/129")}`,
      `berth:host.allowSsh[3]: ${CIDR("1::2::3/64")}`,
      `berth:host.allowSsh[4]: ${CIDR("fe80::1%eth0/64")}`,
    ]],
    ["ports out of range everywhere a port is written", { "berth:host": { provider: "existing", address: "203.0.113.10", port: 70000 }, "berth:bootstrap": { ...B, docker: { insecureRegistries: ["reg.lab:0", "reg.lab:65536"] } }, "berth:app": { image: "reg.lab:99999/app:v1", ports: ["0:80", "80:65536"], healthcheck: { type: "http", port: 0 } } }, [
      "berth:host.port: must be a port number from 1 to 65535 (got 70000)",
      'berth:bootstrap.docker.insecureRegistries[0]: "reg.lab:0" is not host, host:port (port 1–65535) or a CIDR block — write it like registry.lab.internal:5000',
      'berth:bootstrap.docker.insecureRegistries[1]: "reg.lab:65536" is not host, host:port (port 1–65535) or a CIDR block — write it like registry.lab.internal:5000',
      'berth:app.image: "reg.lab:99999/app:v1": the registry "reg.lab:99999" is not host or host:port with a port from 1 to 65535',
      'berth:app.ports[0]: "0:80": the host port "0" is not a port number from 1 to 65535',
      'berth:app.ports[1]: "80:65536": the container port "65536" is not a port number from 1 to 65535',
      "berth:app.healthcheck.port: must be a port number from 1 to 65535 (got 0)",
    ]],
    ["a registry server's port", { "berth:bootstrap": B, "berth:app": { image: "a:1", registry: { server: "reg.lab:70000", username: "ci" } } }, [
      "berth:app.registry.server: must be host or host:port (port 1–65535), without a scheme",
    ]],
    ["daemon.json keys typed as dockerd decodes them", { "berth:bootstrap": { ...B, docker: { logRotation: false, daemon: { debug: "yes", "live-restore": 1, mtu: 1.5, "max-concurrent-downloads": "3", dns: ["8.8.8.300"], "log-opts": { "max-file": 3 }, "default-ulimits": { nofile: { Name: "nofile", Soft: 70000, Hard: 65536 } }, "default-address-pools": [{ base: "10.0.0.0/8", size: 4 }], "log-level": "verbose", labels: ["team"], "exec-opts": ["native.cgroupdriver=docker"], "fixed-cidr": "10.0.0.0/40", bip: "172.30.0.1", "data-root": "docker" } } } }, [
      "berth:bootstrap.docker.daemon.bip: must be the bridge's address with its prefix, like 172.30.0.1/16",
      "berth:bootstrap.docker.daemon.data-root: must be an absolute path",
      'berth:bootstrap.docker.daemon.debug: dockerd reads this as true or false, not "yes" — it would refuse to start',
      "berth:bootstrap.docker.daemon.default-address-pools[0].size: must be from 8 (the prefix of 10.0.0.0/8) to 32",
      "berth:bootstrap.docker.daemon.default-ulimits.nofile: the soft limit (70000) is above the hard limit (65536)",
      'berth:bootstrap.docker.daemon.dns[0]: "8.8.8.300" is not an IPv4 or IPv6 address',
      'berth:bootstrap.docker.daemon.exec-opts[0]: native.cgroupdriver is cgroupfs or systemd, not "docker"',
      'berth:bootstrap.docker.daemon.fixed-cidr: "10.0.0.0/40" is not an IPv4 CIDR block like 172.30.0.0/16',
      "berth:bootstrap.docker.daemon.labels[0]: must be key=value, like lab=course-2025",
      "berth:bootstrap.docker.daemon.live-restore: dockerd reads this as true or false, not 1 — it would refuse to start",
      'berth:bootstrap.docker.daemon.log-level: dockerd accepts "panic", "fatal", "error", "warn", "info", "debug", "trace" here, not "verbose"',
      'berth:bootstrap.docker.daemon.log-opts.max-file: dockerd reads this as a string (log-opts values are strings: "3", not 3), not 3 — it would refuse to start',
      'berth:bootstrap.docker.daemon.max-concurrent-downloads: dockerd reads this as a whole number, not "3" — it would refuse to start',
      "berth:bootstrap.docker.daemon.mtu: dockerd reads this as a whole number, not 1.5 — it would refuse to start",
    ]],
    ["daemon.json keys dockerd 27 does not know, even where an old flag spelling is close", { "berth:bootstrap": { ...B, docker: { daemon: { "oom-score-adjust": -500, label: ["a=b"] } } } }, [
      'berth:bootstrap.docker.daemon.oom-score-adjust: unknown daemon.json key "oom-score-adjust" — expected one of (allow-nondistributable-artifacts, api-cors-header, authorization-plugins, bip, bridge, builder, cdi-spec-dirs, cgroup-parent, containerd, containerd-namespace, …)',
      'berth:bootstrap.docker.daemon.label: unknown daemon.json key "label" — did you mean "labels"? (allow-nondistributable-artifacts, api-cors-header, authorization-plugins, bip, bridge, builder, cdi-spec-dirs, cgroup-parent, containerd, containerd-namespace, …)',
    ]],
    ["conda channels and package specs the way conda reads them", { "berth:bootstrap": { ...B, conda: { env: { name: "lab", channels: ["conda forge", "https://conda.anaconda.org/conda-forge"], packages: ["scikit learn", "numpy>=1.26,<2", "conda-forge::numpy 1.26.*", "python=3.12=*_cpython"] } } } }, [
      'berth:bootstrap.conda.env.packages[0]: must be a conda package spec like numpy, numpy=1.26, "scipy>=1.11,<2" or conda-forge::numpy (a version starts with a digit or *)',
      "berth:bootstrap.conda.env.channels[0]: must be a conda channel name (letters, digits, . _ - and / between labels, no spaces) or an http(s):// URL, like conda-forge",
    ]],
  ])("%s", (_name, raw, expected) => {
    expect(errorsOf(raw).sort()).toEqual([...expected].sort());
  });
});

describe("a leading '-' never reaches a command line", () => {
  it("is refused in every value that becomes an argument", () => {
    const raw = {
      "berth:host": { provider: "existing", address: "-oProxyCommand=x", user: "-root" },
      "berth:bootstrap": { ...B, docker: { insecureRegistries: ["-x"], users: ["-u"], registryMirrors: ["-m"] }, conda: { env: { name: "-n" } } },
      "berth:app": { image: "-uattacker/app:v1", name: "-n", registry: { server: "-x.lab", username: "-uattacker" }, ports: ["-p:1"], volumes: ["-v:/x"], env: { "-e": "1" } },
    };
    expect(errorsOf(raw).sort()).toEqual([
      `berth:host.address: ${DASH("-oProxyCommand=x")}`,
      `berth:host.user: ${DASH("-root")}`,
      `berth:bootstrap.docker.insecureRegistries[0]: ${DASH("-x")}`,
      `berth:bootstrap.docker.users[0]: ${DASH("-u")}`,
      `berth:bootstrap.docker.registryMirrors[0]: ${DASH("-m")}`,
      `berth:app.image: ${DASH("-uattacker/app:v1")}`,
      `berth:app.name: ${DASH("-n")}`,
      `berth:app.registry.server: ${DASH("-x.lab")}`,
      `berth:app.registry.username: ${DASH("-uattacker")}`,
      `berth:app.ports[0]: ${DASH("-p:1")}`,
      `berth:app.volumes[0]: ${DASH("-v:/x")}`,
      `berth:bootstrap.conda.env.name: ${DASH("-n")}`,
      `berth:app.env.-e: ${DASH("-e")}`,
    ].sort());
  });

  it("is refused in the name an environment.yml gives conda", () => {
    expect(errorsOf({ "berth:bootstrap": { ...B, conda: { env: { text: "name: -n\ndependencies: [numpy]\n" } } } })).toEqual([
      `berth:bootstrap.conda.env: environment.yml's name "-n" must be letters, digits, ., _ and -, not starting with "-" (conda env create -n takes it)`,
    ]);
  });
});

describe("the Docker API is not opened to the network by accident", () => {
  const SSH = "reach it over SSH instead (DOCKER_HOST=ssh://user@host needs no listener)";
  it("refuses a TCP listener without TLS client verification, naming the opt-in", () => {
    expect(errorsOf({ "berth:bootstrap": { ...B, docker: { daemon: { hosts: ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"] } } } })).toEqual([
      `berth:bootstrap.docker.daemon.hosts[1]: "tcp://0.0.0.0:2375" opens the Docker API on TCP without TLS client verification: anyone who can reach the port is root on the host — ${SSH}, or set tlsverify: true with tlscacert, tlscert and tlskey; to take that risk anyway, set berth:bootstrap.docker.allowUnauthenticatedTcp: true`,
    ]);
  });
  it("takes the opt-in or TLS verification (the bootstrap then starts dockerd without the unit's -H fd://)", () => {
    const hosts = (docker: Record<string, unknown>) => configOf({ "berth:bootstrap": { ...B, docker } }).bootstrap.docker.daemon.hosts;
    expect(hosts({ allowUnauthenticatedTcp: true, daemon: { hosts: ["tcp://0.0.0.0:2375"] } })).toEqual(["tcp://0.0.0.0:2375"]);
    const tls = { tlsverify: true, tlscacert: "/etc/docker/ca.pem", tlscert: "/etc/docker/cert.pem", tlskey: "/etc/docker/key.pem" };
    expect(hosts({ daemon: { hosts: ["tcp://0.0.0.0:2376"], ...tls } })).toEqual(["tcp://0.0.0.0:2376"]);
    expect(hosts({ daemon: { hosts: ["unix:///var/run/docker.sock"] } })).toEqual(["unix:///var/run/docker.sock"]);
  });
  it("refuses tlsverify without its certificates", () => {
    expect(errorsOf({ "berth:bootstrap": { ...B, docker: { daemon: { tlsverify: true, tlscacert: "/etc/docker/ca.pem" } } } })).toEqual([
      "berth:bootstrap.docker.daemon.tlsverify: TLS verification needs tlscert, tlskey too — without them dockerd looks in ~/.docker/ and refuses to start",
    ]);
  });
});

describe("tencentcloud:endpoint carries signed calls over TLS unless it stays on this machine", () => {
  it.each(["https://cvm.tencentcloudapi.com", "http://127.0.0.1:18443", "http://[::1]:8080", "http://localhost:9000"])("takes %s", (endpoint) => {
    expect(configOf({ "tencentcloud:endpoint": endpoint, "berth:bootstrap": B }).host.provider).toBe("local");
  });
  it.each([
    ["http://10.0.0.5:8080", '"http://10.0.0.5:8080" is plain HTTP to a host that is not this machine, so signed API calls and the user-data would cross the network unencrypted — use https://…, or http:// only with 127.0.0.1, ::1 or localhost'],
    ["http://cvm.tencentcloudapi.com", '"http://cvm.tencentcloudapi.com" is plain HTTP to a host that is not this machine, so signed API calls and the user-data would cross the network unencrypted — use https://…, or http:// only with 127.0.0.1, ::1 or localhost'],
    ["ftp://127.0.0.1", '"ftp://127.0.0.1" is not an http(s) URL — write it like https://cvm.tencentcloudapi.com'],
  ])("refuses %s", (endpoint, message) => {
    expect(errorsOf({ "tencentcloud:endpoint": endpoint, "berth:bootstrap": B })).toEqual([`tencentcloud:endpoint: ${message}`]);
  });
});

describe("provider-specific keys on another provider are errors naming who takes them", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ["Tencent keys on DigitalOcean", { provider: "digitalocean", sshPublicKey: PUBKEY, zone: "ap-guangzhou-3", bandwidth: 10 }, [
      "berth:host.zone: only provider tencentcloud takes zone, and this stack's provider is digitalocean — remove it, or set provider: tencentcloud",
      "berth:host.bandwidth: only provider tencentcloud takes bandwidth, and this stack's provider is digitalocean — remove it, or set provider: tencentcloud",
    ]],
    ["DigitalOcean keys on Tencent", { ...TENCENT, reservedIp: true, vpcUuid: "c33931f2-a26a-4e61-b85c-4e95a2ec431b", tags: ["x"], monitoring: false, sshKeys: ["12345"] }, [
      "berth:host.reservedIp: only provider digitalocean takes reservedIp, and this stack's provider is tencentcloud — remove it, or set provider: digitalocean",
      "berth:host.vpcUuid: only provider digitalocean takes vpcUuid, and this stack's provider is tencentcloud — remove it, or set provider: digitalocean",
      "berth:host.tags: only provider digitalocean takes tags, and this stack's provider is tencentcloud — remove it, or set provider: digitalocean",
      "berth:host.monitoring: only provider digitalocean takes monitoring, and this stack's provider is tencentcloud — remove it, or set provider: digitalocean",
      "berth:host.sshKeys: only provider digitalocean takes sshKeys, and this stack's provider is tencentcloud — remove it, or set provider: digitalocean",
    ]],
    ["existing-server keys on a cloud", { provider: "digitalocean", sshPublicKey: PUBKEY, address: "203.0.113.10", port: 2222 }, [
      "berth:host.address: only provider existing takes address, and this stack's provider is digitalocean — remove it, or set provider: existing",
      "berth:host.port: only provider existing takes port, and this stack's provider is digitalocean — remove it, or set provider: existing",
    ]],
    ["cloud keys on an existing server and on a local VM", { provider: "existing", address: "203.0.113.10", region: "sgp1", sshPublicKey: PUBKEY }, [
      "berth:host.region: only providers digitalocean and tencentcloud take region, and this stack's provider is existing — remove it",
      "berth:host.sshPublicKey: only providers digitalocean, tencentcloud and local take sshPublicKey, and this stack's provider is existing (berth logs in to an existing server with berth:sshPrivateKey; it installs no key there) — remove it",
    ]],
    ["a host-key pin on a local VM", { provider: "local", allowSsh: ["10.0.0.0/8"], hostKeyFingerprint: `SHA256:${"A".repeat(43)}` }, [
      "berth:host.allowSsh: only providers digitalocean and tencentcloud take allowSsh, and this stack's provider is local (a local VM has no firewall: its SSH port is published on this machine only) — remove it",
      "berth:host.hostKeyFingerprint: only providers digitalocean, tencentcloud and existing take hostKeyFingerprint, and this stack's provider is local (a local VM makes its host key at first boot and berth reads it from the VM) — remove it",
    ]],
  ])("%s", (_name, host, expected) => {
    expect(errorsOf({ "berth:host": host, "berth:bootstrap": B })).toEqual(expected);
  });
});

describe("Tencent Cloud as documented", () => {
  it("refuses a non-RSA key with the command that makes one", () => {
    expect(errorsOf({ "berth:host": { ...TENCENT, sshPublicKey: PUBKEY }, "berth:bootstrap": B })).toEqual([
      "berth:host.sshPublicKey: Tencent Cloud imports OpenSSH RSA keys only (ImportKeyPair), not ssh-ed25519 — make one for berth: ssh-keygen -t rsa -b 4096 -f ~/.ssh/berth_tencent, give the line in ~/.ssh/berth_tencent.pub here, and set berth:sshPrivateKey from ~/.ssh/berth_tencent",
    ]);
  });
  it("counts instance names in UTF-8 bytes (60), not characters", () => {
    const ok = "实验".repeat(10); // 20 characters, 60 bytes
    expect(configOf({ "berth:host": { ...TENCENT, name: ok }, "berth:bootstrap": B }).host.name).toBe(ok);
    expect(errorsOf({ "berth:host": { ...TENCENT, name: `${ok}x` }, "berth:bootstrap": B })).toEqual([`berth:host.name: "${ok}x" is 61 bytes in UTF-8; Tencent Cloud instance names are at most 60 bytes`]);
  });
  it("keeps each provider's own naming rule, for the stack name too", () => {
    const long = "a".repeat(53);
    expect(errorsOf({ "berth:host": { name: long }, "berth:bootstrap": B })).toEqual([`berth:host.name: "${long}" is not a local VM name: lowercase letters, digits and inner -, at most 52 characters (it names a container and its host)`]);
    expect(errorsOf({ "berth:host": { provider: "digitalocean", sshPublicKey: PUBKEY, name: "web_1" }, "berth:bootstrap": B })).toEqual(['berth:host.name: "web_1" is not a droplet name: DigitalOcean takes a host name (letters, digits, - and ., labels of at most 63 characters)']);
    expect(errorsOf({ "berth:host": { provider: "digitalocean", sshPublicKey: PUBKEY }, "berth:bootstrap": B }, "/proj", "Lab_Stack")).toEqual(['berth:host.name: the stack name "Lab_Stack" (used when host.name is unset) is not a droplet name: DigitalOcean takes a host name (letters, digits, - and ., labels of at most 63 characters) — set host.name']);
  });
  it("checks zone against region, and image ids and sizes as the API writes them", () => {
    expect(errorsOf({ "berth:host": { ...TENCENT, region: "ap-shanghai", image: "ubuntu-22-04", size: "s-1vcpu-2gb" }, "berth:bootstrap": B })).toEqual([
      'berth:host.size: "s-1vcpu-2gb" is not a Tencent Cloud instance type like S5.MEDIUM4',
      'berth:host.image: "ubuntu-22-04" is not a Tencent Cloud image id like img-487zeit5',
      'berth:host.zone: "ap-guangzhou-3" is not a zone of region ap-shanghai — zones of ap-shanghai look like ap-shanghai-3',
    ]);
  });
});
