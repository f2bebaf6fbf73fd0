#!/usr/bin/env bash
# berth doctor's evidence from one host, read-only: it changes nothing. Output comes in
# "@@berth-doctor NAME" sections that src/doctor/remote.ts parses.
# Arguments (never secrets): app container name, health URL on the host, conda prefix, the
# app's published TCP ports (comma-separated), then host names to resolve (mirrors.list's
# hosts are added here).
export LC_ALL=C
sec() { printf '\n@@berth-doctor %s\n' "$1"; }
app=${1:-} url=${2:-} prefix=${3:-/opt/conda} ports=${4:-}
shift 4 2>/dev/null || shift $#
SUDO=()
if [ "$(id -u)" != 0 ] && sudo -n true 2>/dev/null; then SUDO=(sudo -n); fi
# One `docker info` answers whether this user may use docker, and gives version, driver, mirrors.
DOCKER=(docker) access=absent info=""
fmt='{{.ServerVersion}}|{{.Driver}}|{{range .RegistryConfig.Mirrors}}{{.}} {{end}}'
if command -v docker >/dev/null 2>&1; then
  if info=$(docker info --format "$fmt" 2>&1); then access=direct
  else
    access="none ${info##*$'\n'}"
    if [ ${#SUDO[@]} -gt 0 ] && sudo_info=$("${SUDO[@]}" docker info --format "$fmt" 2>&1); then
      DOCKER=("${SUDO[@]}" docker) access="sudo ${info##*$'\n'}" info=$sudo_info
    fi
  fi
fi

sec id; id -un; id -nG
# The address the host reaches out from (a local VM's address when doctor came in by a mapped port).
sec addr
src=$(ip -o route get 1.1.1.1 2>/dev/null | sed -n 's/.* src \([^ ]*\).*/\1/p')
if [ -n "$src" ]; then echo "$src"; else hostname -I 2>/dev/null | cut -d' ' -f1; fi
sec status; cat /var/lib/berth/status.json 2>/dev/null
sec log
L=/var/log/berth/bootstrap.log
if [ -r "$L" ]; then
  n=$(grep -n ' berth: bootstrap starting$' "$L" | tail -n 1 | cut -d: -f1)
  tail -n +"${n:-1}" "$L" | tail -n 300
fi
# cloud-init's own files (what `cloud-init status` reads, without its half-second start-up).
sec cloud-init
if [ -r /run/cloud-init/result.json ]; then echo "result $(tr -d '\n' </run/cloud-init/result.json)"
elif [ -e /run/cloud-init/status.json ]; then echo running
elif command -v cloud-init >/dev/null 2>&1; then echo not-started
else echo absent; fi
sec cloud-init-output
[ -e /var/lib/berth/status.json ] || "${SUDO[@]}" tail -n 30 /var/log/cloud-init-output.log 2>&1
paths=(/ /tmp /var/lib/docker /var/cache/apt /var/lib/berth "$prefix" "$(dirname "$prefix")")
sec df; df -P -k "${paths[@]}" 2>/dev/null | tail -n +2
sec dfi; df -P -i "${paths[@]}" 2>/dev/null | tail -n +2
sec resolv; grep -E '^[[:space:]]*nameserver' /etc/resolv.conf 2>/dev/null
sec dns
names=("$@")
if [ -r /etc/berth/mirrors.list ]; then
  while read -r _ _ u; do h=${u#*://}; names+=("${h%%[/:]*}"); done </etc/berth/mirrors.list
fi
for n in $(printf '%s\n' "${names[@]}" | sort -u); do
  (if timeout 6 getent hosts "$n" >/dev/null 2>&1; then echo "ok $n"; else echo "fail $n"; fi) &
done
wait
sec docker-access; echo "$access"
sec docker; head -n 3 <<<"$info"
sec hub-mirrors
if [ "${access%% *}" != none ] && [ "$access" != absent ]; then
  for m in ${info##*|}; do
    (echo "$m $(curl -s -o /dev/null -w '%{http_code}' --connect-timeout 5 --max-time 8 "${m%/}/v2/" 2>/dev/null)") &
  done
  wait
fi
# Pull errors of the last 6 hours (Docker Hub's limit window); only lines that report a failure.
sec journal
"${SUDO[@]}" journalctl -u docker --since -6h --no-pager -o short-iso 2>/dev/null \
  | grep -E 'Not continuing with pull after error|Attempting next endpoint for pull after error: (denied|forbidden|unauthorized)|Handler for POST [^ ]*/(images/create|auth) returned error|unable to configure the Docker daemon' \
  | tail -n 30
sec locks
for f in /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock; do
  [ -e "$f" ] || continue
  ino=$(stat -c %i "$f")
  awk -v ino="$ino" '{ o = ($2 == "->") ? 1 : 0; split($(6 + o), a, ":"); if (a[3] == ino && $(5 + o) > 0) print $(5 + o) }' /proc/locks 2>/dev/null \
    | sort -u | while read -r pid; do echo "$f $pid $(cat "/proc/$pid/comm" 2>/dev/null)"; done
done
# Processes of docker-group members that run without the group: logged in before joining it.
sec groups
g=$(getent group docker 2>/dev/null)
if [ -n "$g" ]; then
  gid=$(cut -d: -f3 <<<"$g")
  for u in $(cut -d: -f4 <<<"$g" | tr ',' ' '); do
    for pid in $(pgrep -u "$u" 2>/dev/null); do
      st=$(cat "/proc/$pid/status" 2>/dev/null) || continue
      case " $(awk '/^Groups:/ { $1 = ""; print }' <<<"$st") " in *" $gid "*) continue ;; esac
      [ "$(awk '/^Gid:/ { print $2 }' <<<"$st")" = "$gid" ] && continue
      echo "$u $pid $(cat "/proc/$pid/comm" 2>/dev/null)"
    done
  done
fi
sec app
state=""
if [ -n "$app" ]; then
  state=$("${DOCKER[@]}" container inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$app" 2>&1 | head -n 1)
  echo "$state"
fi
sec app-http
if [ -n "$url" ]; then curl -s -o /dev/null -w '%{http_code}\n' --max-time 5 "$url" 2>/dev/null; fi
sec ports-inside
for p in ${ports//,/ }; do
  case $p in '' | *[!0-9]*) continue ;; esac
  # shellcheck disable=SC2016 # $1 is the inner shell's argument
  if timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$p" 2>/dev/null; then echo "$p open"; else echo "$p closed"; fi
done
sec app-logs
case "$state" in exited*|restarting*|dead*|created*|paused*) "${DOCKER[@]}" logs --tail 15 "$app" 2>&1 | tail -n 15 ;; esac
sec versions
if grep -q '"phase":"failed"' /var/lib/berth/status.json 2>/dev/null && grep -q 'docker-ce version' /var/lib/berth/status.json; then
  if command -v apt-cache >/dev/null 2>&1; then apt-cache madison docker-ce 2>/dev/null | awk -F'|' '{ gsub(/ /, "", $2); print $2 }'
  else { dnf -q list docker-ce --showduplicates || yum -q list docker-ce --showduplicates; } 2>/dev/null | awk '$1 ~ /^docker-ce\./ { print $2 }'; fi | head -n 12
fi
sec end
