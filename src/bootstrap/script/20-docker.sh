# shellcheck shell=bash
# ---- docker-ce --------------------------------------------------------------------------

apt_source_line() {
  printf 'deb [arch=%s signed-by=/etc/apt/keyrings/docker.gpg] %s/linux/%s %s stable\n' "$1" "$2" "$DOCKER_REPO" "$OS_CODENAME"
}

# Where rpm finds the verified docker-ce key (gpgkey=file://…): never the mirror's copy.
RPM_DOCKER_KEY=/etc/pki/rpm-gpg/berth-docker-ce.asc

yum_repo_file() {
  cat <<REPO
[docker-ce-stable]
name=Docker CE Stable - \$basearch
baseurl=$1/linux/$DOCKER_REPO/$EL_RELEASE/\$basearch/stable
enabled=1
gpgcheck=1
gpgkey=file://$RPM_DOCKER_KEY
REPO
}

# Reads candidate versions (one per line) on stdin and prints the one PIN names.
# 27.3.1 matches 5:27.3.1-1~ubuntu.24.04~noble; a full string must match exactly.
match_version() {
  local pin=$1 v found="" count=0
  local re="^[0-9]+:${pin//./\\.}([.~-]|$)"
  while read -r v; do
    [[ -n $v ]] || continue
    if [[ $pin == *:* ]]; then [[ $v == "$pin" ]] || continue
    else [[ $v =~ $re ]] || continue; fi
    [[ " $found " == *" $v "* ]] && continue
    found+="${found:+ }$v"; count=$((count + 1))
  done
  case $count in
    1) printf '%s\n' "$found" ;;
    0) log "docker-ce $pin is not offered by the mirror"; return 2 ;;
    *) log "docker-ce $pin is ambiguous: $found — pin the full version"; return 3 ;;
  esac
}

apt_get() { DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout="$APT_LOCK_TIMEOUT" -o Acquire::Retries=3 "$@"; }

# The installed docker-ce version, or nothing when it is not installed (never fails).
installed_docker_version() {
  local out
  if [[ $OS_FAMILY == apt ]]; then
    out=$(dpkg-query -W -f='${Status} ${Version}\n' docker-ce 2>/dev/null) || return 0
    awk '$3 == "installed" { print $4 }' <<<"$out"
  elif rpm -q docker-ce >/dev/null 2>&1; then
    rpm -q --qf '%{EPOCH}:%{VERSION}-%{RELEASE}\n' docker-ce | sed 's/^(none)://'
  fi
}

# The docker-ce source (list and keyring) of the last apt-get update that fetched it. A run whose
# update failed leaves it stale, so the next one updates again although docker.list is in place.
APT_MARK="$BERTH_STATE/docker-apt-lists.sha256"
apt_sum() { { cat /etc/apt/sources.list.d/docker.list /etc/apt/keyrings/docker.gpg 2>/dev/null || true; } | sha256sum; }

# apt-get update for docker-ce mirror NAME at URL. apt-get update only warns when a source does
# not answer: that is a failure here, or docker-ce would come from stale lists or none.
update_docker_lists() {
  local failed
  rm -f "$APT_MARK"
  apt_update
  failed=$(grep -m 1 -F "Failed to fetch $2/linux/" "$PKG_OUT") || true
  [[ -z $failed ]] || die "apt-get update could not fetch docker-ce's index from $1: $failed"
  apt_sum >"$APT_MARK"
}

install_docker_apt() {
  local name=$1 url=$2 key=$3 arch want="" tmp
  arch=$(dpkg --print-architecture)
  tmp=$(mktemp -d)
  docker_key "$name" "$url" "$key" "$tmp/docker.gpg"
  apt_source_line "$arch" "$url" >"$tmp/docker.list"
  install_key "$tmp/docker.gpg" /etc/apt/keyrings/docker.gpg "$key" "$name" || true
  install_if_changed "$tmp/docker.list" /etc/apt/sources.list.d/docker.list || true
  rm -rf "$tmp"
  if [[ -z $DOCKER_INSTALLED_VERSION || $(cat "$APT_MARK" 2>/dev/null) != "$(apt_sum)" ]]; then update_docker_lists "$name" "$url"; fi
  if [[ -n $DOCKER_VERSION_PIN ]]; then
    want=$(apt-cache madison docker-ce | awk -F'|' '{ gsub(/ /, "", $2); print $2 }' | match_version "$DOCKER_VERSION_PIN") \
      || die "docker-ce version $DOCKER_VERSION_PIN: no single match on $name (apt-cache madison docker-ce lists what it has)"
  fi
  if [[ -n $DOCKER_INSTALLED_VERSION && ( -z $want || $want == "$DOCKER_INSTALLED_VERSION" ) ]]; then return 0; fi
  local pkgs=(docker-ce docker-ce-cli)
  if [[ -n $want ]]; then pkgs=("docker-ce=$want" "docker-ce-cli=$want"); fi
  pkg_run apt_get install -y --allow-downgrades "${pkgs[@]}" containerd.io docker-buildx-plugin docker-compose-plugin \
    || pkg_failed "apt-get install" $?
  CHANGED+=(docker-ce)
}

install_docker_rpm() {
  local name=$1 url=$2 key=$3 pm want="" tmp
  pm=$(command -v dnf || command -v yum) || die "neither dnf nor yum found on $OS_ID $OS_VERSION"
  command -v gpg >/dev/null || pkg_run "$pm" install -y gnupg2 || pkg_failed "$pm install" $?
  tmp=$(mktemp -d)
  docker_key "$name" "$url" "$key" "$tmp/docker"
  install_key "$tmp/docker.asc" "$RPM_DOCKER_KEY" "$key" "$name" || true
  yum_repo_file "$url" >"$tmp/docker-ce.repo"
  install_if_changed "$tmp/docker-ce.repo" /etc/yum.repos.d/docker-ce.repo || true
  rm -rf "$tmp"
  if [[ -n $DOCKER_VERSION_PIN ]]; then
    want=$("$pm" -q list docker-ce --showduplicates 2>/dev/null | awk '$1 ~ /^docker-ce\./ { print $2 }' | match_version "$DOCKER_VERSION_PIN") \
      || die "docker-ce version $DOCKER_VERSION_PIN: no single match on $name (yum list docker-ce --showduplicates lists what it has)"
  fi
  if [[ -n $DOCKER_INSTALLED_VERSION && ( -z $want || $want == "$DOCKER_INSTALLED_VERSION" ) ]]; then return 0; fi
  local pkgs=(docker-ce docker-ce-cli) extra=()
  if [[ -n $want ]]; then pkgs=("docker-ce-$want" "docker-ce-cli-$want"); fi
  if [[ $pm == */dnf ]]; then extra=(--allowerasing); fi
  pkg_run "$pm" install -y ${extra[@]+"${extra[@]}"} "${pkgs[@]}" containerd.io docker-buildx-plugin docker-compose-plugin \
    || pkg_failed "$pm install" $?
  CHANGED+=(docker-ce)
}

docker_service() {
  if [[ -d /run/systemd/system ]]; then systemctl "$1" docker; else service docker "$1"; fi
}

wait_for_docker() {
  local i
  for ((i = 0; i < 60; i++)); do docker info >/dev/null 2>&1 && return 0; sleep 1; done
  die "docker did not answer 60 s after start (journalctl -u docker says why)"
}

install_docker() {
  phase docker
  DOCKER_INSTALLED_VERSION=$(installed_docker_version)
  local name url key saved="$BERTH_STATE/mirror.docker-ce" daemon_changed=0 was_installed=$DOCKER_INSTALLED_VERSION
  if [[ $OS_FAMILY == apt ]] && { ! command -v curl >/dev/null || ! command -v gpg >/dev/null; }; then
    apt_update
    pkg_run apt_get install -y --no-install-recommends ca-certificates curl gnupg || pkg_failed "apt-get install" $?
  fi
  # Once installed, keep the mirror it came from while the config still lists it.
  if [[ -n $DOCKER_INSTALLED_VERSION && -z $DOCKER_VERSION_PIN && -s $saved ]] && grep -qxF "$(cat "$saved")" < <(mirrors_for docker-ce); then
    read -r name url key <"$saved"
  else
    pick_docker_mirror; name=$PICKED_NAME; url=$PICKED_URL; key=$PICKED_KEY
  fi
  USED[docker-ce]=$name
  printf '%s %s %s\n' "$name" "$url" "$key" >"$saved"
  install_if_changed "$BERTH_ETC/daemon.json" /etc/docker/daemon.json && daemon_changed=1
  if [[ $OS_FAMILY == apt ]]; then install_docker_apt "$name" "$url" "$key"; else install_docker_rpm "$name" "$url" "$key"; fi
  DOCKER_INSTALLED_VERSION=$(installed_docker_version)
  if [[ -d /run/systemd/system ]]; then systemctl enable --quiet docker; fi
  if sync_docker_hosts_dropin; then
    # (Also after a first install: the package's own start failed on the hosts in daemon.json.)
    log "drop-in changed: restarting docker"
    restart_docker_unit
  elif [[ $daemon_changed == 1 && -n $was_installed ]]; then
    log "daemon.json changed: restarting docker"
    if [[ -d /run/systemd/system ]]; then systemctl daemon-reload; fi
    docker_service restart
  elif ! docker info >/dev/null 2>&1; then
    docker_service start
  fi
  wait_for_docker
  verify_registry_mirrors
  pick_registry
  log "docker-ce $DOCKER_INSTALLED_VERSION from $name"
}

# Records the first registry mirror that answers /v2/ (any HTTP status: 401 means it is there) as
# the docker-hub source; dockerd itself tries them in order on every pull, then Docker Hub.
pick_registry() {
  local name url code
  USED[docker-hub]=docker.io
  while read -r name url _; do
    [[ -n $name ]] || continue
    code=000
    if ! is_dead "$url"; then
      code=$(curl_url "${url%/}/v2/" -sS -o /dev/null -w '%{http_code}' --connect-timeout "${BERTH_PROBE_TIMEOUT:-5}" --max-time 20 2>/dev/null) || code=000
    fi
    if [[ $code =~ ^[1-4][0-9][0-9]$ ]]; then USED[docker-hub]=$name; return 0; fi
    [[ $code != 000 ]] || DEAD[$(url_origin "$url")]=1
    log "registry mirror $name ($url) did not answer; dockerd tries the next one on each pull"
    UNREACHABLE+=("docker-hub $name")
  done < <(mirrors_for registry)
}

verify_registry_mirrors() {
  local active m
  active=$(docker info --format '{{range .RegistryConfig.Mirrors}}{{println .}}{{end}}')
  for m in ${REGISTRY_MIRRORS[@]+"${REGISTRY_MIRRORS[@]}"}; do
    grep -qxF "${m%/}/" <<<"$active" || grep -qxF "$m" <<<"$active" \
      || die "registry mirror $m is not active in docker info (is /etc/docker/daemon.json valid? dockerd -q --validate says)"
  done
}

add_docker_users() {
  local u
  for u in ${DOCKER_USERS[@]+"${DOCKER_USERS[@]}"}; do
    id "$u" >/dev/null 2>&1 || die "cannot add $u to the docker group: no such user"
    [[ " $(id -nG "$u") " == *" docker "* ]] && continue
    usermod -aG docker "$u"
    CHANGED+=("docker group: $u")
  done
}
