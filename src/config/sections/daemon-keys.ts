/** Keys dockerd accepts in /etc/docker/daemon.json on Linux (dockerd reference, "daemon configuration file"). */
export const DAEMON_KEYS: readonly string[] = [
  "allow-nondistributable-artifacts", "api-cors-header", "authorization-plugins", "bip", "bridge", "builder",
  "cdi-spec-dirs", "cgroup-parent", "containerd", "containerd-namespace", "containerd-plugins-namespace",
  "data-root", "debug", "default-address-pools", "default-cgroupns-mode", "default-gateway", "default-gateway-v6",
  "default-ipc-mode", "default-network-opts", "default-runtime", "default-shm-size", "default-ulimits", "dns",
  "dns-opts", "dns-search", "exec-opts", "exec-root", "experimental", "features", "fixed-cidr", "fixed-cidr-v6",
  "group", "host-gateway-ip", "hosts", "icc", "init", "init-path", "insecure-registries", "ip", "ip-forward",
  "ip-masq", "ip6tables", "iptables", "ipv6", "labels", "live-restore", "log-driver", "log-format", "log-level",
  "log-opts", "max-concurrent-downloads", "max-concurrent-uploads", "max-download-attempts", "metrics-addr", "mtu",
  "no-new-privileges", "node-generic-resources", "oom-score-adjust", "pidfile", "proxies", "raw-logs",
  "registry-mirrors", "runtimes", "seccomp-profile", "selinux-enabled", "shutdown-timeout", "storage-driver",
  "storage-opts", "swarm-default-advertise-addr", "tls", "tlscacert", "tlscert", "tlskey", "tlsverify",
  "userland-proxy", "userland-proxy-path", "userns-remap",
];

/** Keys berth writes itself, and the setting to use instead. */
export const MANAGED_DAEMON_KEYS: Readonly<Record<string, string>> = {
  "registry-mirrors": "registryMirrors",
  "insecure-registries": "insecureRegistries",
};

/** Keys owned by `logRotation` unless it is turned off. */
export const LOG_DAEMON_KEYS: readonly string[] = ["log-driver", "log-opts"];
