# shellcheck shell=bash
# ---- conda and pip ----------------------------------------------------------------------

conda_arch() { case "$(uname -m)" in x86_64|amd64) echo x86_64 ;; aarch64|arm64) echo aarch64 ;; *) uname -m ;; esac; }

# The sha256 the installer must have on ARCH (empty: none known).
installer_sha256() { case $1 in x86_64) echo "$CONDA_SHA256_X86_64" ;; aarch64) echo "$CONDA_SHA256_AARCH64" ;; esac; }

# Dies unless FILE, the installer from mirror NAME at URL, has sha256 WANT. Without a WANT it
# runs only an https download (TLS vouches for the mirror), with a warning.
check_installer() {
  local file=$1 want=$2 name=$3 url=$4 got
  if [[ -z $want ]]; then
    [[ $url == https://* ]] || die "refusing the $CONDA_DISTRIBUTION installer from $name ($url): plain HTTP and no sha256 to check it — set berth:bootstrap.conda.sha256, pin a version berth knows, or use an https mirror"
    log "warning: the $CONDA_DISTRIBUTION installer from $name ($url) is not verified: no sha256 known for it (set berth:bootstrap.conda.sha256)"
    return 0
  fi
  got=$(sha256sum "$file" | cut -d' ' -f1)
  [[ $got == "$want" ]] || die "the $CONDA_DISTRIBUTION installer from $name ($url) has sha256 $got, not the expected $want — it is not the installer the stack pins (tampered with, or another upload under the same name); berth did not run it"
  log "$CONDA_DISTRIBUTION installer from $name: sha256 $got verified"
}

install_conda() {
  phase conda
  local name url arch want tmp installer tried=""
  if [[ -x $CONDA_PREFIX_DIR/bin/conda ]]; then
    USED[installer]=$(cat "$BERTH_STATE/mirror.installer" 2>/dev/null || echo preinstalled)
  else
    arch=$(conda_arch); want=$(installer_sha256 "$arch"); tmp=$(mktemp -d); installer="$tmp/installer.sh"
    while read -r name url; do
      url=${url//@ARCH@/$arch}
      if is_dead "$url"; then
        log "installer mirror $name ($url) did not connect earlier; trying the next"; tried+="${tried:+, }$name ($url)"
        UNREACHABLE+=("installer $name"); continue
      fi
      if [[ -z $want && $url != https://* ]]; then check_installer "" "" "$name" "$url"; fi
      if fetch "$url" "$installer"; then
        check_installer "$installer" "$want" "$name" "$url"
        USED[installer]=$name; break
      fi
      log "installer mirror $name ($url) failed; trying the next"; tried+="${tried:+, }$name ($url)"
      UNREACHABLE+=("installer $name")
    done < <(mirrors_for installer)
    [[ -n ${USED[installer]:-} ]] || die "no mirror served the $CONDA_DISTRIBUTION installer: ${tried:-none configured}"
    bash "$installer" -b -p "$CONDA_PREFIX_DIR"
    rm -rf "$tmp"
    echo "${USED[installer]}" >"$BERTH_STATE/mirror.installer"
    CHANGED+=("$CONDA_DISTRIBUTION")
  fi
  local condarc="$BERTH_ETC/condarc"
  if pick_part conda /; then
    if (( PICKED_INDEX > 0 )); then condarc="$BERTH_ETC/condarc.$PICKED_INDEX"; fi
    USED[conda]=$PICKED_NAME
  else
    USED[conda]=$(mirrors_for conda | awk 'NR == 1 { print $1 }')
    log "warning: no conda channel mirror answered; .condarc names ${USED[conda]:-the default channels}"
  fi
  install_if_changed "$condarc" "$CONDA_PREFIX_DIR/.condarc" || true
  if [[ $CONDA_TOS == accept ]]; then
    export CONDA_PLUGINS_AUTO_ACCEPT_TOS=yes
    "$CONDA_PREFIX_DIR/bin/conda" tos accept --override-channels --channel https://repo.anaconda.com/pkgs/main \
      --channel https://repo.anaconda.com/pkgs/r >/dev/null 2>&1 || log "conda tos accept is not available in this conda; continuing"
  fi
  conda_init_user
  conda_env
}

conda_init_user() {
  local home
  home=$(getent passwd "$BERTH_LOGIN_USER" | cut -d: -f6) || die "login user $BERTH_LOGIN_USER does not exist"
  grep -qs '>>> conda initialize >>>' "$home/.bashrc" && return 0
  if [[ $BERTH_LOGIN_USER == root ]]; then HOME=$home "$CONDA_PREFIX_DIR/bin/conda" init bash >/dev/null
  else runuser -u "$BERTH_LOGIN_USER" -- env HOME="$home" "$CONDA_PREFIX_DIR/bin/conda" init bash >/dev/null; fi
  CHANGED+=("conda init: $BERTH_LOGIN_USER")
}

# Runs when its input changed since the last successful run (kept as a sha256 in the state dir).
changed_since_last() {
  local file=$1 mark="$BERTH_STATE/$2.sha256" sum
  sum=$(sha256sum "$file" | cut -d' ' -f1)
  [[ -f $mark && $(cat "$mark") == "$sum" ]] && return 1
  printf '%s\n' "$sum" >"$mark.pending"
  return 0
}

commit_mark() { mv -f "$BERTH_STATE/$1.sha256.pending" "$BERTH_STATE/$1.sha256"; }

conda_env() {
  local conda="$CONDA_PREFIX_DIR/bin/conda" env_file="$BERTH_ETC/environment.yml" req="$BERTH_ETC/requirements.txt"
  if [[ -n $CONDA_ENV_NAME && -f $env_file ]] && changed_since_last "$env_file" conda-env; then
    if [[ -d $CONDA_PREFIX_DIR/envs/$CONDA_ENV_NAME ]]; then "$conda" env update -n "$CONDA_ENV_NAME" -f "$env_file"
    else "$conda" env create -n "$CONDA_ENV_NAME" -f "$env_file"; fi
    commit_mark conda-env; CHANGED+=("conda env: $CONDA_ENV_NAME")
  fi
  if [[ -f $req ]] && changed_since_last "$req" requirements; then
    "$conda" run -n "${CONDA_ENV_NAME:-base}" python -m pip install -r "$req"
    commit_mark requirements; CHANGED+=("pip requirements")
  fi
}

# /etc/pip.conf names the first PyPI index that answers (pip itself does not fall back).
configure_pip() {
  phase pip
  local conf="$BERTH_ETC/pip.conf"
  if pick_part pypi /pip/; then
    if (( PICKED_INDEX > 0 )); then conf="$BERTH_ETC/pip.conf.$PICKED_INDEX"; fi
    USED[pypi]=$PICKED_NAME
  else
    USED[pypi]=$(mirrors_for pypi | awk 'NR == 1 { print $1 }')
    log "warning: no PyPI index answered; /etc/pip.conf names the first, ${USED[pypi]}"
  fi
  install_if_changed "$conf" /etc/pip.conf || true
}
