#!/usr/bin/env bash
# pulumi-cli.sh — run the Pulumi CLI at the version of @pulumi/pulumi in package-lock.json,
# finding or providing it first.
#
# Usage: scripts/pulumi-cli.sh ARGS...      run `pulumi ARGS...`
#        scripts/pulumi-cli.sh --where      provide the CLI, print its bin dir, say where it came from
#
# Where the CLI comes from, first match wins:
#   1. `pulumi` on PATH, when `pulumi version` is the wanted one;
#   2. an installed copy in ~/.pulumi/versions/<version>/bin (the Automation API installs there);
#   3. the cache, ~/.cache/berth/pulumi/<version>/bin (what 4 or 5 left there before);
#   4. the official release tarball from get.pulumi.com, checked against the sha256 pinned
#      below for this version and platform (when there is one) and against the release's
#      checksums file;
#   5. a build from Go modules (needs `go` and a Go module proxy): the CLI from
#      github.com/pulumi/pulumi/pkg/v3 at the same version, through a wrapper module
#      (pkg/v3's own go.mod has replace directives, so `go install pkg@version` refuses it), and
#      the Node.js language host. The language host is its own module in the Pulumi repository;
#      when the proxy does not serve it at this version, it is built from the newest
#      github.com/pulumi/pulumi/sdk/v3 release that still carried it (v3.68.0). The engine keeps
#      fallbacks for older language hosts; berth's Pulumi.yaml runs on either (see the README).
#      The dynamic-provider launcher comes from node_modules/@pulumi/pulumi at this version.
#      The wrapper modules are committed per version in scripts/pulumi-modules/v<version>/
#      {cli,langhost}/go.{mod,sum}; the build runs with -mod=readonly, so every module must
#      match its go.sum hash (a mismatch fails the build). For a version without committed
#      wrappers the script generates them from the release's go.mod and says the build is not
#      pinned.
#
# Every run sets, unless already set: PULUMI_SKIP_UPDATE_CHECK=true and
# PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true (no network calls behind the user's back).
# The backend and secrets passphrase are the caller's (PULUMI_BACKEND_URL, `pulumi login`,
# PULUMI_CONFIG_PASSPHRASE).
set -euo pipefail

log() { printf 'pulumi-cli: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." >/dev/null && pwd)"
command -v node >/dev/null 2>&1 || die "node is not on PATH (berth needs Node.js 20 or newer)"
version="$(node -e '
  const lock = require(process.argv[1]);
  const p = lock.packages && lock.packages["node_modules/@pulumi/pulumi"];
  if (!p) process.exit(1);
  console.log(p.version);
' "$root/package-lock.json")" || die "no @pulumi/pulumi in $root/package-lock.json (run npm install)"
cache_root="${BERTH_CACHE_DIR:-$HOME/.cache/berth}/pulumi"
cache="$cache_root/$version"
# The last sdk/v3 release whose module still carried nodejs/cmd/pulumi-language-nodejs.
legacy_langhost_sdk="v3.68.0"
langhost_module="github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"
# Committed wrapper modules (go.mod + go.sum) for this version.
pinned="$root/scripts/pulumi-modules/v$version"

# Set before anything runs pulumi, `pulumi version` included.
export PULUMI_SKIP_UPDATE_CHECK="${PULUMI_SKIP_UPDATE_CHECK:-true}"
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="${PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION:-true}"

have_version() { # $1: a pulumi binary
  local v
  v="$("$1" version 2>/dev/null | tr -d '[:space:]')" || return 1
  [[ "$v" == "v$version" ]]
}

# The three programs berth needs from a CLI directory.
has_parts() { # $1: a bin dir
  [[ -x "$1/pulumi" && -x "$1/pulumi-language-nodejs" && -x "$1/pulumi-resource-pulumi-nodejs" ]]
}

from_path() {
  local p
  p="$(command -v pulumi 2>/dev/null)" || return 1
  [[ "$p" == "$cache/bin/pulumi" ]] && return 1
  have_version "$p" || { log "ignoring $p: it is $("$p" version 2>/dev/null || echo "unknown"), berth wants v$version"; return 1; }
  bin_dir="$(dirname "$p")"; source_note="on PATH: $p"
}

from_installed() {
  local p="$HOME/.pulumi/versions/$version/bin/pulumi"
  [[ -x "$p" ]] && have_version "$p" || return 1
  bin_dir="$(dirname "$p")"; source_note="installed: $p"
}

from_cache() {
  # Only a checked, complete CLI is ever moved into the cache (provide), so files suffice here.
  [[ -f "$cache/SOURCE" ]] && has_parts "$cache/bin" || return 1
  bin_dir="$cache/bin"; source_note="cache: $cache ($(head -n 1 "$cache/SOURCE"))"
}

# $1: staging dir. The official tarball holds pulumi/{pulumi,pulumi-language-nodejs,...}.
# sha256 of the official release tarballs, by "<version>-<platform>". linux-x64 3.248.0 is the
# hash of the GitHub release asset pulumi-v3.248.0-linux-x64.tar.gz as recorded by a public
# package recipe (SRI sha256-oTcy2JIfmdcLmuJw15w7V1uzdwf850huZP7zM6/BGuA=); Pulumi's own
# checksums file could not be read from here, and no arm64 hash was found, so an arm64
# download is checked against the release's checksums file only.
declare -A tarball_sha256=(
  [3.248.0-linux-x64]=a13732d8921f99d70b9ae270d79c3b575bb37707fce7486e64fef333afc11ae0
)

download() {
  local stage="$1" base="https://get.pulumi.com/releases/sdk" platform
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) platform=linux-x64 ;;
    Linux-aarch64) platform=linux-arm64 ;;
    *) return 1 ;;
  esac
  local tarball="pulumi-v$version-$platform.tar.gz" sums="pulumi-$version-checksums.txt"
  local pinned="${tarball_sha256[$version-$platform]:-}"
  command -v curl >/dev/null 2>&1 || return 1
  curl -fsSL --connect-timeout 5 --max-time 30 -o "$stage/$sums" "$base/$sums" 2>/dev/null || return 1
  log "downloading $base/$tarball"
  curl -fsSL --connect-timeout 5 --max-time 600 -o "$stage/$tarball" "$base/$tarball" || return 1
  if [[ -n "$pinned" ]]; then
    echo "$pinned  $stage/$tarball" | sha256sum -c --quiet - || die "$tarball does not match the sha256 pinned in $0"
  else
    log "no sha256 pinned for $tarball in $0; checking it against $sums only"
  fi
  (cd "$stage" && grep " $tarball\$" "$sums" | sha256sum -c --quiet -) || die "$tarball does not match $sums"
  tar -xzf "$stage/$tarball" -C "$stage" || return 1
  mkdir -p "$stage/out/bin" && cp -a "$stage"/pulumi/* "$stage/out/bin/" || return 1
  printf 'official release %s from %s\n' "$version" "$base/$tarball" > "$stage/out/SOURCE"
}

# Writes a go.mod in $1 (the current directory) that requires module $2@$3 with $2's own
# requirements and replaces (so the build uses the versions the release was tested with),
# minus the replace line for $4 (a module the wrapper requires directly instead).
wrapper_module() {
  local dir="$1" mod="$2" ver="$3" drop="$4" modfile
  modfile="$(go mod download -json "$mod@$ver" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const j = JSON.parse(s); if (j.Error) { console.error(j.Error); process.exit(1); } console.log(j.GoMod);
    });')" || return 1
  {
    echo "module berth.local/build/$(basename "$dir")"
    sed -e '1d' -e "\\|^replace $drop |d" "$modfile"
    echo "require $mod $ver"
  } > "$dir/go.mod"
}

# Called in a subshell (provide): the Go settings stay out of the pulumi this script execs.
build() {
  set -uo pipefail
  command -v go >/dev/null 2>&1 || { log "no Go toolchain on PATH"; exit 1; }
  go_version="$(go env GOVERSION)" || exit 1
  export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
  ldv="github.com/pulumi/pulumi/sdk/v3/go/common/version.Version"
  mkdir -p "$stage/out/bin" "$stage/cli" "$stage/lh" || exit 1
  if [[ -f "$pinned/cli/go.sum" && -f "$pinned/langhost/go.sum" ]]; then
    build_pinned; exit
  fi
  log "no committed wrapper modules in $pinned: generating them (this build is not pinned by go.sum)"
  export GOFLAGS="-mod=mod"
  # sum.golang.org answered 404 for pkg/v3 releases here while the proxy serves them.
  export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi/pulumi/pkg"

  log "building pulumi v$version from github.com/pulumi/pulumi/pkg/v3 (first run only; several minutes)"
  cd "$stage/cli" || exit 1
  wrapper_module "$PWD" github.com/pulumi/pulumi/pkg/v3 "v$version" github.com/pulumi/pulumi/sdk/v3 || exit 1
  echo "require github.com/pulumi/pulumi/sdk/v3 v$version" >> go.mod || exit 1
  go build -trimpath -ldflags "-s -w -X $ldv=v$version" -o "$stage/out/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi || exit 1

  log "building pulumi-language-nodejs"
  cd "$stage/lh" || exit 1
  # Fall back to the older host only when the proxy lacks the module; any other failure is an error.
  if go mod download -json "$langhost_module@v$version" > "$stage/lh.json" 2>/dev/null || ! grep -q '"Error"' "$stage/lh.json"; then
    wrapper_module "$PWD" "$langhost_module" "v$version" github.com/pulumi/pulumi/sdk/v3 || exit 1
    echo "require github.com/pulumi/pulumi/sdk/v3 v$version" >> go.mod || exit 1
    go build -trimpath -ldflags "-s -w -X $ldv=v$version" -o "$stage/out/bin/pulumi-language-nodejs" "$langhost_module" || exit 1
    lh_note="built from $langhost_module@v$version"
  else
    log "the module proxy does not serve pulumi-language-nodejs at v$version ($(grep -o '"Error": *"[^"]*' "$stage/lh.json" | head -n 1 | cut -c1-160)); building it from github.com/pulumi/pulumi/sdk/v3@$legacy_langhost_sdk"
    wrapper_module "$PWD" github.com/pulumi/pulumi/sdk/v3 "$legacy_langhost_sdk" none || exit 1
    go build -trimpath -ldflags "-s -w -X $ldv=$legacy_langhost_sdk" -o "$stage/out/bin/pulumi-language-nodejs" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs || exit 1
    lh_note="built from github.com/pulumi/pulumi/sdk/v3@$legacy_langhost_sdk (nodejs/cmd/pulumi-language-nodejs); not served at v$version"
  fi

  finish_build "built from Go modules with $go_version (wrapper modules generated, not pinned)"
}

# The build from the committed wrapper modules: go.sum is authoritative (-mod=readonly), so a
# module whose bits differ from its recorded hash, or one missing from go.sum, fails the build.
build_pinned() {
  export GOFLAGS="-mod=readonly"
  log "building pulumi v$version from the wrapper module in $pinned/cli (pinned by its go.sum; first run only; several minutes)"
  cp "$pinned/cli/go.mod" "$pinned/cli/go.sum" "$stage/cli/" && cd "$stage/cli" || exit 1
  go build -trimpath -ldflags "-s -w -X $ldv=v$version" -o "$stage/out/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi || exit 1
  log "building pulumi-language-nodejs from $pinned/langhost"
  cp "$pinned/langhost/go.mod" "$pinned/langhost/go.sum" "$stage/lh/" && cd "$stage/lh" || exit 1
  if grep -q "^[[:space:]]*$langhost_module " go.mod; then
    go build -trimpath -ldflags "-s -w -X $ldv=v$version" -o "$stage/out/bin/pulumi-language-nodejs" "$langhost_module" || exit 1
    lh_note="built from $langhost_module@v$version"
  else
    go build -trimpath -ldflags "-s -w -X $ldv=$legacy_langhost_sdk" -o "$stage/out/bin/pulumi-language-nodejs" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs || exit 1
    lh_note="built from github.com/pulumi/pulumi/sdk/v3@$legacy_langhost_sdk (nodejs/cmd/pulumi-language-nodejs); not served at v$version"
  fi
  finish_build "built from Go modules with $go_version, pinned by scripts/pulumi-modules/v$version/*/go.sum"
}

# Adds the dynamic-provider launcher and the SOURCE note ($1: its first line).
finish_build() {
  launcher="$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
  [[ -f "$launcher" ]] || { log "no $launcher (run npm install)"; exit 1; }
  install -m 0755 "$launcher" "$stage/out/bin/pulumi-resource-pulumi-nodejs" || exit 1
  {
    echo "$1"
    echo "pulumi: built from github.com/pulumi/pulumi/pkg/v3@v$version"
    echo "pulumi-language-nodejs: $lh_note"
    echo "pulumi-resource-pulumi-nodejs: copied from @pulumi/pulumi $version (npm)"
  } > "$stage/out/SOURCE"
}

stage=""
cleanup() { [[ -n "$stage" ]] && rm -rf "$stage"; return 0; }
trap cleanup EXIT

provide() {
  from_path && return 0
  from_installed && return 0
  from_cache && return 0
  mkdir -p "$cache_root"
  # One provider at a time; a second caller waits and then finds the cache.
  exec 9>"$cache_root/.lock-$version"
  flock 9
  if from_cache; then exec 9>&-; return 0; fi
  local started=$SECONDS
  stage="$(mktemp -d "$cache_root/.stage-$version.XXXX")"
  if download "$stage"; then :
  elif (build); then :
  else
    die "no Pulumi CLI v$version: not on PATH, not in ~/.pulumi/versions/$version, get.pulumi.com unreachable, and the Go build failed (above) or no Go toolchain is installed"
  fi
  # Only a complete, working CLI goes into the cache.
  if ! has_parts "$stage/out/bin" || ! have_version "$stage/out/bin/pulumi"; then
    die "the provided CLI in $stage/out/bin is incomplete or does not report v$version"
  fi
  echo "took $((SECONDS - started)) s on $(date -u +%Y-%m-%dT%H:%M:%SZ)" >> "$stage/out/SOURCE"
  rm -rf "$cache"
  mv "$stage/out" "$cache"
  exec 9>&-
  log "provided Pulumi CLI v$version in $((SECONDS - started)) s: $cache/bin"
  bin_dir="$cache/bin"; source_note="cache: $cache ($(head -n 1 "$cache/SOURCE"))"
}

bin_dir="" source_note=""
provide
cleanup; stage=""
export PATH="$bin_dir:$PATH"

if [[ "${1:-}" == "--where" ]]; then
  echo "$bin_dir"
  log "Pulumi CLI v$version, $source_note"
  exit 0
fi
exec "$bin_dir/pulumi" "$@"
