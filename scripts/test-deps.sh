#!/usr/bin/env bash
# Installs and starts what berth's tests need on a Debian/Ubuntu machine (run as root, or with
# the tools already present): Node dependencies, shellcheck, cloud-init's schema validator
# (unpacked into ~/.cache/berth, never installed on this host), and a Docker engine.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=${BERTH_CACHE:-$HOME/.cache/berth}
mkdir -p "$CACHE"

as_root() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }

need_pkgs=()
command -v shellcheck >/dev/null || need_pkgs+=(shellcheck)
# sshd for the executor tests, which start their own on 127.0.0.1 with their own config.
[[ -x /usr/sbin/sshd ]] || need_pkgs+=(openssh-server)
for p in python3-yaml python3-jsonschema python3-jinja2 python3-configobj python3-jsonpatch \
         python3-netifaces python3-oauthlib python3-requests python3-serial; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need_pkgs+=("$p")
done
if (( ${#need_pkgs[@]} > 0 )); then
  echo "test-deps: installing ${need_pkgs[*]}"
  as_root apt-get update -q
  # Keep package scripts from starting services (sshd on port 22) on this machine.
  printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
  as_root chmod +x /usr/sbin/policy-rc.d
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need_pkgs[@]}" \
    || { as_root rm -f /usr/sbin/policy-rc.d; exit 1; }
  as_root rm -f /usr/sbin/policy-rc.d
fi

# cloud-init's schema validator, unpacked from Debian's package (installing it would let it
# reconfigure this machine at its next boot).
CI_DIR="$CACHE/cloud-init"
if [[ ! -x $CI_DIR/usr/bin/cloud-init ]]; then
  echo "test-deps: unpacking cloud-init into $CI_DIR"
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download cloud-init 2>/dev/null || { as_root apt-get update -q && apt-get download cloud-init; })
  rm -rf "$CI_DIR" && mkdir -p "$CI_DIR"
  dpkg-deb -x "$tmp"/cloud-init_*.deb "$CI_DIR"
  rm -rf "$tmp"
fi
PYTHONPATH="$CI_DIR/usr/lib/python3/dist-packages" /usr/bin/python3 "$CI_DIR/usr/bin/cloud-init" --version

[[ -d node_modules ]] && [[ node_modules/.package-lock.json -nt package-lock.json ]] || npm ci --no-audit --no-fund
