#!/usr/bin/env bash
# ci-tools.sh — provide the tools the `ci` test project needs, cached under ~/.cache/berth:
#   act        github.com/nektos/act        (runs the example workflows on this machine)
#   actionlint github.com/rhysd/actionlint  (lints the workflows and action.yml; runs shellcheck)
#   moto       moto[server] from PyPI       (an S3-compatible server that holds Pulumi state)
#
# Usage: scripts/ci-tools.sh            provide all three, print their paths
#        scripts/ci-tools.sh --where    same
# act and actionlint are built from the Go module proxy into ~/.cache/berth/tools/<name>-<version>
# (needs `go`); moto goes into a venv at ~/.cache/berth/venv (needs python3 ≥ 3.9 with venv).
# Each is built once; a build that fails half-way leaves nothing behind.
set -euo pipefail

ACT_VERSION="v0.2.89"
ACTIONLINT_VERSION="v1.7.12"
MOTO_VERSION="5.2.5"

log() { printf 'ci-tools: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

cache="${BERTH_CACHE_DIR:-$HOME/.cache/berth}"
tools="$cache/tools"
venv="$cache/venv"
mkdir -p "$tools"

# $1: name, $2: module path, $3: version. Installs $tools/$1-$3/$1.
go_tool() {
  local name="$1" mod="$2" ver="$3" dir="$tools/$1-$3" stage
  if [[ -x "$dir/$name" ]]; then echo "$dir/$name"; return 0; fi
  command -v go >/dev/null 2>&1 || die "no Go toolchain on PATH: $name $ver is built from $mod (install Go 1.24 or newer)"
  stage="$(mktemp -d "$tools/.stage-$name.XXXX")"
  log "building $name $ver from $mod (first run only; about a minute)"
  if ! GOBIN="$stage" GOTOOLCHAIN="${GOTOOLCHAIN:-local}" go install -trimpath -ldflags "-s -w" "$mod@$ver" >&2; then
    rm -rf "$stage"; die "building $name $ver failed (above)"
  fi
  rm -rf "$dir" && mv "$stage" "$dir"
  echo "$dir/$name"
}

moto() {
  # The venv is built in place (its scripts record their own path); .complete marks a finished one.
  if [[ -f "$venv/.complete-$MOTO_VERSION" && -x "$venv/bin/moto_server" ]]; then
    echo "$venv/bin/moto_server"; return 0
  fi
  command -v python3 >/dev/null 2>&1 || die "python3 is not on PATH (moto[server] runs in a venv)"
  log "installing moto[server]==$MOTO_VERSION into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv" >&2 || { rm -rf "$venv"; die "python3 -m venv failed (on Debian: apt-get install python3-venv)"; }
  if ! "$venv/bin/pip" install --disable-pip-version-check --quiet "moto[server]==$MOTO_VERSION" >&2; then
    rm -rf "$venv"; die "pip install moto[server]==$MOTO_VERSION failed (above)"
  fi
  touch "$venv/.complete-$MOTO_VERSION"
  echo "$venv/bin/moto_server"
}

go_tool act github.com/nektos/act "$ACT_VERSION"
go_tool actionlint github.com/rhysd/actionlint/cmd/actionlint "$ACTIONLINT_VERSION"
moto
