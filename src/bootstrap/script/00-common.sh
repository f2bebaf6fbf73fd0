#!/usr/bin/env bash
# berth bootstrap: docker-ce from the first mirror that answers, /etc/docker/daemon.json,
# Miniconda or Miniforge with conda and pip mirrors. The same script runs from cloud-init on a
# new VM and over SSH on an existing server; a second run changes nothing and is fast.
#
# Inputs, written by berth beside it (BERTH_ETC, default /etc/berth):
#   bootstrap.conf    shell variables (see the defaults below)
#   mirrors.list      "<part> <name> <url>" lines; parts: docker-ce installer conda pypi registry;
#                     docker-ce lines add the fingerprint of the key the repository is signed with
#   keys/<fingerprint>.asc   signing keys berth ships (Docker's; not on Tencent Cloud, where the mirror's key must match the pinned fingerprint)
#   daemon.json pip.conf condarc [environment.yml] [requirements.txt]
#   pip.conf.N condarc.N   for the Nth fallback PyPI index / conda channel (N from 1), when the
#                     chain has more than one (a cache first, the stack's mirrors after it)
# Outputs: log /var/log/berth/bootstrap.log, status /var/lib/berth/status.json.
# The commented source is in berth (src/bootstrap/script/); hosts get it without comments.
set -Eeuo pipefail

BERTH_ETC=${BERTH_ETC:-/etc/berth}
BERTH_LOG=${BERTH_LOG:-/var/log/berth/bootstrap.log}
BERTH_STATE=${BERTH_STATE:-/var/lib/berth}
OS_RELEASE=${OS_RELEASE:-/etc/os-release}

# Defaults; bootstrap.conf overrides them.
BERTH_OS_EXPECTED=""
BERTH_LOGIN_USER=root
DOCKER_VERSION_PIN=""
DOCKER_USERS=()
REGISTRY_MIRRORS=()
CONDA_ENABLED=0
CONDA_DISTRIBUTION=miniconda
CONDA_SHA256_X86_64=""
CONDA_SHA256_AARCH64=""
CONDA_PREFIX_DIR=/opt/conda
CONDA_ENV_NAME=""
CONDA_TOS=decline

PHASE=starting
ERRORS=()
CHANGED=()
# "<part> <name>" of mirrors that did not answer (the boot went on with the next one).
UNREACHABLE=()
declare -A USED=()
# Origins (scheme://host:port) that did not even connect: later parts skip them without waiting.
declare -A DEAD=()
OS_ID="" OS_VERSION="" OS_CODENAME="" OS_FAMILY="" DOCKER_REPO="" EL_RELEASE=""
DOCKER_INSTALLED_VERSION=""

log() { printf '%s berth: %s\n' "$(date -u +%FT%TZ)" "$*" >&2; }

json_str() {
  local s=$1
  s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\n'/\\n}; s=${s//$'\t'/\\t}; s=${s//$'\r'/\\r}
  printf '"%s"' "$s"
}

json_list() {
  local out="" item
  for item in ${1+"$@"}; do out+="${out:+,}$(json_str "$item")"; done
  printf '[%s]' "$out"
}

write_status() {
  local mirrors="" part tmp
  for part in ${USED[@]+"${!USED[@]}"}; do mirrors+="${mirrors:+,}$(json_str "$part"):$(json_str "${USED[$part]}")"; done
  mkdir -p "$BERTH_STATE"
  tmp=$(mktemp "$BERTH_STATE/.status.XXXXXX")
  printf '{"phase":%s,"os":%s,"mirrors":{%s},"unreachable":%s,"docker":{"version":%s,"registryMirrors":%s},"conda":{"prefix":%s,"env":%s},"changed":%s,"errors":%s,"updatedAt":%s}\n' \
    "$(json_str "$PHASE")" "$(json_str "${OS_ID:+$OS_ID-$OS_VERSION}")" "$mirrors" "$(json_list ${UNREACHABLE[@]+"${UNREACHABLE[@]}"})" \
    "$(json_str "$DOCKER_INSTALLED_VERSION")" "$(json_list ${REGISTRY_MIRRORS[@]+"${REGISTRY_MIRRORS[@]}"})" \
    "$(json_str "$([[ $CONDA_ENABLED == 1 ]] && echo "$CONDA_PREFIX_DIR")")" "$(json_str "$CONDA_ENV_NAME")" \
    "$(json_list ${CHANGED[@]+"${CHANGED[@]}"})" "$(json_list ${ERRORS[@]+"${ERRORS[@]}"})" "$(json_str "$(date -u +%FT%TZ)")" >"$tmp"
  chmod 0644 "$tmp"
  mv -f "$tmp" "$BERTH_STATE/status.json"
}

phase() { PHASE=$1; log "phase: $1"; write_status; }

die() {
  ERRORS+=("$*")
  PHASE=failed
  log "FAILED: $*"
  write_status || true
  exit 1
}

on_error() { die "command failed (exit $1) at line $2: $3"; }

# Copy SRC to DEST when they differ; returns 0 when something changed.
install_if_changed() {
  local src=$1 dest=$2 mode=${3:-0644}
  if [[ -f $dest ]] && cmp -s "$src" "$dest"; then return 1; fi
  mkdir -p "$(dirname "$dest")"
  install -m "$mode" "$src" "$dest"
  CHANGED+=("$dest")
  return 0
}
