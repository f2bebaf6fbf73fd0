# shellcheck shell=bash
# ---- dockerd's listeners (daemon.json "hosts") -------------------------------------------
# docker-ce's systemd unit starts dockerd with -H fd://, and dockerd refuses to start when
# daemon.json sets "hosts" as well ("the following directives are specified both as a flag and
# in the configuration file: hosts"). Docker's documented fix is a drop-in that clears
# ExecStart and starts dockerd without -H. berth makes it from the installed unit's own
# ExecStart, since dockerd's path and flags differ between releases and distributions.

# bootstrap.conf sets it to 1 when daemon.json sets hosts.
DOCKER_HOSTS_SET=0
DROPIN=/etc/systemd/system/docker.service.d/berth-hosts.conf

# Installs the drop-in when daemon.json sets hosts, removes it when not; 0 when that changed it.
sync_docker_hosts_dropin() {
  local unit t="$BERTH_STATE/docker-hosts.conf"
  [[ -d /run/systemd/system ]] || return 1
  if [[ $DOCKER_HOSTS_SET != 1 ]]; then
    [[ -e $DROPIN ]] && rm "$DROPIN" && CHANGED+=("$DROPIN (removed)")
    return
  fi
  unit=$(systemctl show -p FragmentPath docker | cut -d= -f2-)
  printf '[Service]\nExecStart=\n' >"$t"
  grep -m 1 '^ExecStart=.' "$unit" | sed -E 's/ (-H|--host)[= ]fd:\/\///' >>"$t" || die "no ExecStart in docker's unit ($unit)"
  install_if_changed "$t" "$DROPIN"
}

# Starts dockerd again under its changed unit, with docker.socket: a dockerd that made
# /var/run/docker.sock itself removes it when it stops, and a socket-activated one needs it back.
restart_docker_unit() {
  systemctl daemon-reload
  systemctl stop docker docker.socket || true
  systemctl reset-failed docker || true
  systemctl start docker
}
