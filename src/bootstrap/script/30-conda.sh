# shellcheck shell=bash
# ---- conda and pip ----------------------------------------------------------------------

conda_arch() { case "$(uname -m)" in x86_64|amd64) echo x86_64 ;; aarch64|arm64) echo aarch64 ;; *) uname -m ;; esac; }

install_conda() {
  phase conda
  local name url arch tmp installer tried=""
  if [[ -x $CONDA_PREFIX_DIR/bin/conda ]]; then
    USED[installer]=$(cat "$BERTH_STATE/mirror.installer" 2>/dev/null || echo preinstalled)
  else
    arch=$(conda_arch); tmp=$(mktemp -d); installer="$tmp/installer.sh"
    while read -r name url; do
      url=${url//@ARCH@/$arch}
      if fetch "$url" "$installer"; then
        if [[ -n $CONDA_SHA256 ]] && ! sha256sum -c --status <<<"$CONDA_SHA256  $installer"; then
          die "the $CONDA_DISTRIBUTION installer from $name ($url) does not match sha256 $CONDA_SHA256"
        fi
        USED[installer]=$name; break
      fi
      log "installer mirror $name ($url) failed; trying the next"; tried+="${tried:+, }$name ($url)"
    done < <(mirrors_for installer)
    [[ -n ${USED[installer]:-} ]] || die "no mirror served the $CONDA_DISTRIBUTION installer: ${tried:-none configured}"
    bash "$installer" -b -p "$CONDA_PREFIX_DIR"
    rm -rf "$tmp"
    echo "${USED[installer]}" >"$BERTH_STATE/mirror.installer"
    CHANGED+=("$CONDA_DISTRIBUTION")
  fi
  install_if_changed "$BERTH_ETC/condarc" "$CONDA_PREFIX_DIR/.condarc" || true
  USED[conda]=$(mirrors_for conda | awk 'NR == 1 { print $1 }')
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

configure_pip() {
  phase pip
  install_if_changed "$BERTH_ETC/pip.conf" /etc/pip.conf || true
  USED[pypi]=$(mirrors_for pypi | awk 'NR == 1 { print $1 }')
}
