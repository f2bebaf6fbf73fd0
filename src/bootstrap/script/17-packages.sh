# shellcheck shell=bash
# ---- package commands (apt-get, yum, dnf) -----------------------------------------------
# Their output goes to the log and to PKG_OUT too, so that a failure's cause (apt's "E:" lines,
# dnf's "Error:" lines) reaches status.json's errors, where berth status, deploy's wait and
# doctor read it without the log.

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
