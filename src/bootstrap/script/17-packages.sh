# shellcheck shell=bash
# ---- package commands (apt-get, yum, dnf) -----------------------------------------------
# Their output goes to the log and to PKG_OUT too, so that a failure's cause (apt's "E:" lines,
# dnf's "Error:" lines) reaches status.json's errors, where berth status, deploy's wait and
# doctor read it without the log.

# How long to wait for apt's and dpkg's locks (unattended-upgrades on a fresh VM holds them).
APT_LOCK_TIMEOUT=${BERTH_APT_LOCK_TIMEOUT:-900}
PKG_OUT="$BERTH_STATE/package-command.out"

# Runs a package command with its output in the log and in PKG_OUT; its exit code.
pkg_run() {
  local rc=0
  "$@" 2>&1 | tee "$PKG_OUT" || rc=$?
  return "$rc"
}

# The lines of PKG_OUT that say why the command failed, joined by "; ": apt's errors and its
# warnings about fetching and signatures (apt-get update only warns when a source is down),
# without the summaries that follow them; yum's and dnf's errors; else the last line.
pkg_cause() {
  local cause
  cause=$(grep -E '^(E: |W: (GPG error|Failed to fetch|The repository)|Error: |Public key for |GPG key retrieval failed|failure: |.*\[Errno [0-9]+\])' "$PKG_OUT" \
    | grep -vE '^E: (Some index files failed to download|Unable to lock directory|Sub-process /usr/bin/dpkg returned an error code)' \
    | awk '!seen[$0]++' | head -n 4) || true
  [[ -n $cause ]] || cause=$(grep -v '^[[:space:]]*$' "$PKG_OUT" | tail -n 1) || true
  cause=${cause//$'\n'/; }
  printf '%s' "${cause:0:600}"
}

# Dies saying WHAT failed (exit code RC) and why, from PKG_OUT.
pkg_failed() { die "$1 failed (exit $2): $(pkg_cause)"; }

# "PID (command)" of a process holding a POSIX lock (the kind apt and dpkg take) on FILE: one
# that /proc/locks lists on FILE's inode number and that has FILE open.
lock_holder() {
  local file=$1 ino pid fd
  [[ -e $file ]] || return 0
  ino=$(stat -c %i "$file")
  while read -r pid; do
    for fd in /proc/"$pid"/fd/*; do
      if [[ $(readlink "$fd" 2>/dev/null) == "$file" ]]; then
        printf '%s (%s)' "$pid" "$(cat "/proc/$pid/comm" 2>/dev/null)"
        return 0
      fi
    done
  done < <(awk -v ino="$ino" '$2 != "->" { split($6, a, ":"); if (a[3] == ino && $5 > 0) print $5 }' /proc/locks 2>/dev/null | sort -u)
}

# apt-get update, waiting up to APT_LOCK_TIMEOUT seconds while another program holds apt's
# lists lock: DPkg::Lock::Timeout makes apt-get install wait for dpkg's lock, but apt-get
# update gives up on /var/lib/apt/lists/lock at once.
apt_update() {
  local lock=/var/lib/apt/lists/lock deadline=$((SECONDS + APT_LOCK_TIMEOUT)) holder said="" rc
  while :; do
    holder=$(lock_holder "$lock")
    if [[ -z $holder ]]; then
      rc=0; pkg_run apt_get update || rc=$?
      [[ $rc == 0 ]] && return 0
      grep -q "Could not get lock $lock" "$PKG_OUT" || pkg_failed "apt-get update" "$rc"
      holder=$(sed -n 's/.*It is held by process \([0-9]* (.*)\)$/\1/p' "$PKG_OUT" | head -n 1)
    fi
    if ((SECONDS >= deadline)); then
      die "$lock is still held by process ${holder:-?} after ${APT_LOCK_TIMEOUT} s: another program is updating apt's package lists (unattended-upgrades or apt-daily on a fresh VM) — apt-get update cannot run"
    fi
    if [[ $holder != "$said" ]]; then
      log "waiting for $lock, held by process ${holder:-?} (up to $((deadline - SECONDS)) s more)"
      said=$holder
    fi
    sleep 2
  done
}
