# shellcheck shell=bash
# ---- operating system -------------------------------------------------------------------

# The value of KEY in os-release, unquoted.
os_field() {
  awk -F= -v k="$1" '$1 == k { v = substr($0, length(k) + 2); gsub(/^["\047]|["\047]$/, "", v); print v; exit }' "$OS_RELEASE"
}

# Sets OS_ID OS_VERSION OS_CODENAME OS_FAMILY DOCKER_REPO EL_RELEASE, or fails naming the OS.
detect_os() {
  [[ -r $OS_RELEASE ]] || die "cannot read $OS_RELEASE: unknown operating system"
  OS_ID=$(os_field ID); OS_VERSION=$(os_field VERSION_ID); OS_CODENAME=$(os_field VERSION_CODENAME)
  local major=${OS_VERSION%%.*} pretty
  pretty=$(os_field PRETTY_NAME)
  case "$OS_ID:$OS_VERSION" in
    ubuntu:20.04|ubuntu:22.04|ubuntu:24.04|debian:11|debian:12)
      OS_FAMILY=apt; DOCKER_REPO=$OS_ID
      [[ -n $OS_CODENAME ]] || die "$pretty: VERSION_CODENAME is missing from $OS_RELEASE" ;;
    centos:7*|centos:8*|centos:9*|rocky:8*|rocky:9*|almalinux:8*|almalinux:9*|opencloudos:8*|opencloudos:9*|anolis:7*|anolis:8*)
      OS_FAMILY=rpm; DOCKER_REPO=centos; EL_RELEASE=$major ;;
    rhel:8*|rhel:9*)
      OS_FAMILY=rpm; DOCKER_REPO=rhel; EL_RELEASE=$major ;;
    tencentos:2*|tencentos:3*|tencentos:4*|tlinux:2*|tlinux:3*)
      OS_FAMILY=rpm; DOCKER_REPO=centos; EL_RELEASE=$((major + 5)) ;;
    alinux:2*|alinux:3*)
      OS_FAMILY=rpm; DOCKER_REPO=centos; EL_RELEASE=$((major + 5)) ;;
    openEuler:20.03*|openEuler:22.03*)
      OS_FAMILY=rpm; DOCKER_REPO=centos; EL_RELEASE=8 ;;
    openEuler:24.03*)
      OS_FAMILY=rpm; DOCKER_REPO=centos; EL_RELEASE=9 ;;
    *)
      die "unsupported operating system: ${pretty:-unknown} (ID=$OS_ID VERSION_ID=$OS_VERSION) — berth supports Ubuntu 20.04/22.04/24.04, Debian 11/12, CentOS 7 and Stream 8/9, RHEL/Rocky/Alma 8/9, OpenCloudOS, TencentOS, Anolis, Alibaba Cloud Linux and openEuler" ;;
  esac
  if [[ -n $BERTH_OS_EXPECTED && $BERTH_OS_EXPECTED != "$OS_ID-$OS_VERSION" && $BERTH_OS_EXPECTED != "$OS_ID-$major" ]]; then
    log "warning: configured for $BERTH_OS_EXPECTED but running on $OS_ID-$OS_VERSION"
  fi
  log "os: $OS_ID $OS_VERSION ($OS_FAMILY, docker-ce repo $DOCKER_REPO${EL_RELEASE:+, EL$EL_RELEASE})"
}

# ---- mirrors ----------------------------------------------------------------------------

# Lines of "<name> <url> [<key fingerprint>]" for PART, in fallback order.
mirrors_for() { awk -v p="$1" '$1 == p { print $2, $3, $4 }' "$BERTH_ETC/mirrors.list"; }

# A URL that exists on a docker-ce mirror only if it serves this OS.
probe_url() {
  local base=$1
  if [[ $OS_FAMILY == apt ]]; then printf '%s/linux/%s/dists/%s/Release' "$base" "$DOCKER_REPO" "$OS_CODENAME"
  else printf '%s/linux/%s/%s/%s/stable/repodata/repomd.xml' "$base" "$DOCKER_REPO" "$EL_RELEASE" "$(uname -m)"; fi
}

# curl URL with OPTIONS, following redirects only to http(s), and from https only to https:
# a redirect must not take a download off TLS.
curl_url() {
  local url=$1 redir='=http,https'
  shift
  if [[ $url == https://* ]]; then redir='=https'; fi
  curl --proto '=http,https' --proto-redir "$redir" "$@" "$url"
}

# scheme://host[:port] of a URL.
url_origin() { local rest=${1#*://}; printf '%s://%s' "${1%%://*}" "${rest%%/*}"; }

# Whether URL's host did not connect earlier in this run: a dead cache costs one timeout, not one per part.
is_dead() { [[ -n ${DEAD[$(url_origin "$1")]:-} ]]; }

# After curl exit code RC for URL: no name, no connection or a timeout marks its host dead.
mark_dead() { if (( $1 == 6 || $1 == 7 || $1 == 28 )); then DEAD[$(url_origin "$2")]=1; fi; }

probe() {
  local rc=0
  curl_url "$1" -fsSL -S --connect-timeout "${BERTH_PROBE_TIMEOUT:-5}" --max-time 20 -o /dev/null || rc=$?
  mark_dead "$rc" "$1"
  return "$rc"
}

fetch() {
  local rc=0
  curl_url "$1" -fsSL -S --connect-timeout 10 --retry 3 --retry-delay 2 --retry-connrefused -o "$2" || rc=$?
  mark_dead "$rc" "$1"
  return "$rc"
}

# Sets PICKED_INDEX (its place in the chain, from 0) and PICKED_NAME to the first PART mirror
# whose URL+SUFFIX answers. A lone mirror is taken without a probe; returns 1 when none answers.
PICKED_INDEX="" PICKED_NAME=""
pick_part() {
  local part=$1 suffix=$2 name url i=0 n
  n=$(mirrors_for "$part" | grep -c .) || true
  while read -r name url _; do
    [[ -n $name ]] || continue
    if (( n == 1 )) || { ! is_dead "$url" && probe "${url%/}$suffix"; }; then PICKED_INDEX=$i; PICKED_NAME=$name; return 0; fi
    log "$part mirror $name ($url) did not answer; trying the next"
    UNREACHABLE+=("$part $name")
    i=$((i + 1))
  done < <(mirrors_for "$part")
  return 1
}

# Sets PICKED_NAME, PICKED_URL and PICKED_KEY to the first docker-ce mirror that answers for this OS.
PICKED_NAME="" PICKED_URL="" PICKED_KEY=""
pick_docker_mirror() {
  local name url key tried=""
  while read -r name url key; do
    [[ -n $name ]] || continue
    if ! is_dead "$url" && probe "$(probe_url "$url")"; then PICKED_NAME=$name; PICKED_URL=$url; PICKED_KEY=$key; return 0; fi
    log "mirror $name ($url) did not answer for $OS_ID $OS_VERSION; trying the next"
    UNREACHABLE+=("docker-ce $name")
    tried+="${tried:+, }$name ($url)"
  done < <(mirrors_for docker-ce)
  die "no docker-ce mirror answered for $OS_ID $OS_VERSION: ${tried:-none configured}"
}
