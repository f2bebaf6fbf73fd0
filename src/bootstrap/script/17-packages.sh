# shellcheck shell=bash
# ---- package commands (apt-get, yum, dnf) -----------------------------------------------
# Their output goes to the log and to PKG_OUT too, so that a failure's cause (apt's "E:" lines,
# dnf's "Error:" lines) reaches status.json's errors, where berth status, deploy's wait and
# doctor read it without the log. (Code here is terse: it counts against Tencent's 16 KB.)

# How long to wait for apt's and dpkg's locks (unattended-upgrades on a fresh VM holds them).
APT_LOCK_TIMEOUT=${BERTH_APT_LOCK_TIMEOUT:-900}
PKG_OUT="$BERTH_STATE/package-command.out"

# Runs a package command with its output in the log and in PKG_OUT; its exit code.
pkg_run() { "$@" 2>&1 | tee "$PKG_OUT"; }

# Why the command in PKG_OUT failed, its lines joined by "; ": apt's errors and its warnings
# about fetching and signatures (apt-get update only warns when a source is down), without the
# summaries that follow them; yum's and dnf's "Error:" lines; else its last line.
pkg_cause() {
  { grep -E '^(E: |W: (GPG error|Failed to fetch)|Error: )' "$PKG_OUT" | grep -vE '^E: (Some index|Unable to lock|Sub-process)' || grep . "$PKG_OUT" | tail -n 1; } | head -n 4 | paste -sd ';' | sed 's/;/; /g' || true
}

pkg_failed() { die "$1 failed (exit $2): $(pkg_cause)"; }

# apt-get update, waiting up to APT_LOCK_TIMEOUT seconds while another program holds apt's
# lists lock: DPkg::Lock::Timeout makes apt-get install wait for dpkg's lock, but apt-get
# update gives up on /var/lib/apt/lists/lock at once. While it waits, apt's own complaint
# (which names the holder) stays out of the log; the log says once who holds it.
apt_update() {
  local lock=/var/lib/apt/lists/lock end=$((SECONDS + APT_LOCK_TIMEOUT)) rc held said=-
  while :; do
    rc=0
    apt_get update >"$PKG_OUT" 2>&1 || rc=$?
    if ! grep -q "Could not get lock $lock" "$PKG_OUT"; then
      cat "$PKG_OUT"
      [[ $rc == 0 ]] || pkg_failed "apt-get update" "$rc"
      return 0
    fi
    held=$(sed -n 's/.*It is held by process //p' "$PKG_OUT" | head -n 1)
    ((SECONDS < end)) || die "$lock is still held by process ${held:-?} after $APT_LOCK_TIMEOUT s"
    [[ $held == "$said" ]] || log "waiting for $lock, held by process ${held:-?}"
    said=$held
    sleep 3
  done
}
