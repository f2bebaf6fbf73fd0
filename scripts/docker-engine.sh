#!/usr/bin/env bash
# docker-engine.sh — make sure a Docker engine answers on this machine.
#
# Idempotent: exits 0 at once when `docker info` already answers. Otherwise (root only)
# installs Debian's docker.io if no dockerd exists, starts dockerd in the background
# (no systemd on CI hosts) with its log in ~/.cache/berth/dockerd.log, and waits until
# it answers (bounded by BERTH_DOCKERD_WAIT seconds, default 60).
# Usage: scripts/docker-engine.sh
set -euo pipefail

log() { printf 'docker-engine: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

cache_dir="${HOME}/.cache/berth"
dockerd_log="${cache_dir}/dockerd.log"
wait_s="${BERTH_DOCKERD_WAIT:-60}"

answers() { docker info >/dev/null 2>&1; }

# The newer client in /usr/local/bin (28.x, API 1.50) negotiates down to Debian's 20.10
# daemon (API 1.41) by itself (measured), so DOCKER_API_VERSION is not set here.
ensure_client() {
  command -v docker >/dev/null 2>&1 && return 0
  die "no docker client on PATH (install docker.io or a docker CLI)"
}

main() {
  if command -v docker >/dev/null 2>&1 && answers; then
    log "engine answers already"
    exit 0
  fi
  [[ "$(id -u)" == 0 ]] || die "no Docker engine answers and starting one needs root (run as root, or start dockerd yourself)"

  if ! command -v dockerd >/dev/null 2>&1; then
    log "installing Debian's docker.io"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || die "apt-get update failed"
    apt-get install -y -qq --no-install-recommends docker.io >/dev/null \
      || die "apt-get install docker.io failed"
  fi
  ensure_client

  mkdir -p "$cache_dir"
  if pgrep -x dockerd >/dev/null 2>&1; then
    log "dockerd is running but does not answer yet; waiting"
  else
    log "starting dockerd (log: ${dockerd_log})"
    # setsid: the daemon outlives this script and the CI step's process group.
    setsid nohup dockerd >>"$dockerd_log" 2>&1 </dev/null &
  fi

  local i
  for ((i = 0; i < wait_s; i++)); do
    if answers; then
      log "engine answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
      exit 0
    fi
    sleep 1
  done
  log "last lines of ${dockerd_log}:"
  tail -n 20 "$dockerd_log" >&2 || true
  die "dockerd did not answer within ${wait_s}s"
}

main "$@"
