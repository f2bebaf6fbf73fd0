#!/bin/sh
# Builds the bcrypt htpasswd from the mounted password file (read on stdin, never argv).
set -eu
user="${BERTH_REGISTRY_USER:-berth}"
pwfile="${BERTH_REGISTRY_PASSWORD_FILE:-/etc/berth-registry/secret/password}"
[ -s "$pwfile" ] || { echo "registry: no password file at $pwfile" >&2; exit 1; }
mkdir -p /run/berth-registry
htpasswd -iBc /run/berth-registry/htpasswd "$user" < "$pwfile" 2>/dev/null
chmod 600 /run/berth-registry/htpasswd
exec /usr/bin/docker-registry serve /etc/berth-registry/config.yml
