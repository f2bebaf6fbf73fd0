# shellcheck shell=bash
# ---- main -----------------------------------------------------------------------------

main() {
  # cloud-init's runcmd starts without HOME; installers and conda read it.
  export HOME=${HOME:-/root}
  mkdir -p "$(dirname "$BERTH_LOG")" "$BERTH_STATE"
  exec 9>"$BERTH_STATE/bootstrap.lock"
  flock -w 900 9 || die "another bootstrap has held $BERTH_STATE/bootstrap.lock for 15 minutes"
  exec > >(tee -a "$BERTH_LOG") 2>&1
  trap 'on_error $? $LINENO "$BASH_COMMAND"' ERR
  # shellcheck source=/dev/null
  . "$BERTH_ETC/bootstrap.conf"
  log "bootstrap starting"
  detect_os
  install_docker
  add_docker_users
  configure_pip
  if [[ $CONDA_ENABLED == 1 ]]; then install_conda; fi
  phase ready
  log "bootstrap ready; changed: ${CHANGED[*]+${CHANGED[*]}}"
}

# Sourced (by tests) the script only defines its functions.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then main "$@"; fi
