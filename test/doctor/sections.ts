/**
 * evidence.sh's sections as recorded on a local VM bootstrapped from the local stack with the
 * kit's sample app deployed (a healthy host), for replaying doctor's reading of a host.
 */
import type { HostFacts } from "../../src/doctor/host-facts.js";

export const HEALTHY_SECTIONS: Readonly<Record<string, string>> = {
  id: "debian\ndebian adm dialout cdrom floppy sudo audio dip video plugdev docker netdev",
  addr: "172.18.0.5",
  status: '{"phase":"ready","os":"debian-12","mirrors":{"conda":"labkit","docker-ce":"labkit","pypi":"labkit","installer":"labkit"},"docker":{"version":"5:20.10.24~3-0~debian-bookworm","registryMirrors":[]},"conda":{"prefix":"/opt/conda","env":"lab"},"changed":[],"errors":[],"updatedAt":"2026-11-27T15:47:03Z"}',
  log: [
    "2026-11-27T15:47:01Z berth: bootstrap starting",
    "2026-11-27T15:47:01Z berth: os: debian 12 (apt, docker-ce repo debian)",
    "2026-11-27T15:47:01Z berth: phase: docker",
    "2026-11-27T15:47:03Z berth: docker-ce 5:20.10.24~3-0~debian-bookworm from labkit",
    "2026-11-27T15:47:03Z berth: phase: pip",
    "2026-11-27T15:47:03Z berth: phase: conda",
    "2026-11-27T15:47:03Z berth: phase: ready",
    "2026-11-27T15:47:03Z berth: bootstrap ready; changed: ",
  ].join("\n"),
  "cloud-init": 'result { "v1": {  "datasource": "DataSourceNoCloud [seed=/var/lib/cloud/seed/nocloud][dsmode=net]",  "errors": [] }}',
  "cloud-init-output": "",
  df: "overlay          264212084 25506632  69994632      27% /\n/dev/vda         264212084 25506632  69994632      27% /var/lib/docker",
  dfi: "overlay        16777216 780565 15996651    5% /\n/dev/vda       16777216 780565 15996651    5% /var/lib/docker",
  resolv: "nameserver 127.0.0.11",
  dns: "ok mirror.berth.lab\nok registry.berth.lab",
  "docker-access": "direct",
  docker: "20.10.24+dfsg1|overlay2|",
  "hub-mirrors": "",
  journal: "",
  locks: "",
  groups: "",
  app: "running 0 0 none",
  "app-http": "200",
  "ports-inside": "8080 open",
  "app-logs": "",
  versions: "",
  end: "",
};

export function facts(sections: Partial<Record<string, string>> = {}, extra: Partial<HostFacts> = {}): HostFacts {
  return {
    target: "debian@172.18.0.5:22",
    user: "debian",
    fingerprint: "SHA256:BtPFP2awf6xh8HovdDTXGAVkYpQoFuQ2iPor9lt3avQ",
    sections: { ...HEALTHY_SECTIONS, ...sections } as Record<string, string>,
    app: { name: "app", healthUrl: "http://127.0.0.1:8080/", want: "200", ports: [8080], registry: { server: "registry.berth.lab:5000", username: "berth" } },
    outsideAddress: "172.18.0.5",
    outside: [{ port: 8080, open: true, detail: "connected" }],
    login: { code: 0, output: "" },
    ...extra,
  };
}
