#!/bin/bash
# __PRODUCT__ STAND-IN installer from the berth lab kit. This is NOT Anaconda's or
# conda-forge's installer: the real one cannot be downloaded on these machines. It keeps
# the real interface (-b batch, -p PREFIX, -u update) and installs PREFIX/bin/conda, a
# small bash stand-in that logs every call to PREFIX/.berth-standin/calls.log.
set -euo pipefail
PREFIX="${HOME:-/root}/__PRODUCT__"; BATCH=0; UPDATE=0
usage() { echo "usage: $0 [-b] [-u] [-p PREFIX]   (__PRODUCT__ stand-in)"; }
while getopts "bufhp:s" opt; do
  case "$opt" in
    b) BATCH=1 ;; u) UPDATE=1 ;; f) UPDATE=1 ;; p) PREFIX="$OPTARG" ;; s) ;;
    h) usage; exit 0 ;; *) usage >&2; exit 2 ;;
  esac
done
if [[ "$BATCH" != 1 ]]; then
  echo "__PRODUCT__ stand-in: only batch mode (-b) is implemented" >&2; exit 2
fi
if [[ -e "$PREFIX" && "$UPDATE" != 1 ]]; then
  echo "ERROR: File or directory already exists: '$PREFIX'" >&2
  echo "If you want to update an existing installation, use the -u option." >&2
  exit 1
fi
echo "PREFIX=$PREFIX"
echo "Unpacking payload ... (__PRODUCT__ stand-in: no payload)"
mkdir -p "$PREFIX/bin" "$PREFIX/condabin" "$PREFIX/envs" "$PREFIX/etc/profile.d" \
  "$PREFIX/conda-meta" "$PREFIX/.berth-standin"
touch "$PREFIX/.berth-standin/calls.log"
# The record is the stand-in's own: any user's conda calls (conda init runs as the login user) go in.
chmod 0666 "$PREFIX/.berth-standin/calls.log"
echo "__PRODUCT__ stand-in (berth lab kit)" > "$PREFIX/.berth-standin/README"
cat > "$PREFIX/etc/profile.d/conda.sh" <<PROFILE
# __PRODUCT__ stand-in: puts the stand-in conda on PATH.
export CONDA_EXE="$PREFIX/bin/conda"
case ":\$PATH:" in *":$PREFIX/condabin:"*) ;; *) export PATH="$PREFIX/condabin:\$PATH" ;; esac
PROFILE
cat > "$PREFIX/bin/conda" <<'CONDA'
#!/bin/bash
# conda STAND-IN (berth lab kit). Records every call; implements a small subset.
set -euo pipefail
PREFIX="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
{ printf '%q ' "$@"; printf '\n'; } >> "$PREFIX/.berth-standin/calls.log"
die() { echo "$*" >&2; exit 1; }
env_dir() { [[ "$1" == base ]] && echo "$PREFIX" || echo "$PREFIX/envs/$1"; }
file_name() { sed -n 's/^name:[[:space:]]*\([^[:space:]#]*\).*/\1/p' "$1" | head -n1; }
make_env() { mkdir -p "$1/conda-meta" "$1/bin"; [[ -z "${2:-}" ]] || cp "$2" "$1/conda-meta/berth-environment.yml"; }
envs_json() {
  local d
  printf '{\n  "envs": [\n    "%s"' "$PREFIX"
  for d in "$PREFIX"/envs/*/; do [[ -d "$d" ]] && printf ',\n    "%s"' "${d%/}"; done
  printf '\n  ]\n}\n'
}
parse() { # sets NAME FILE from -n/--name and -f/--file
  NAME=""; FILE=""
  while [[ $# -gt 0 ]]; do
    case "$1" in
      -n|--name) NAME="$2"; shift 2 ;; --name=*) NAME="${1#*=}"; shift ;;
      -f|--file) FILE="$2"; shift 2 ;; --file=*) FILE="${1#*=}"; shift ;;
      -p|--prefix) NAME="$(basename "$2")"; shift 2 ;;
      *) shift ;;
    esac
  done
}
case "${1:-}" in
  --version|-V) echo "conda 24.11.3" ;;
  info) if [[ "${2:-}" == --base ]]; then echo "$PREFIX"; else echo "conda stand-in, base environment : $PREFIX"; fi ;;
  init)
    rc="$HOME/.bashrc"
    if grep -q '^# >>> conda initialize >>>' "$rc" 2>/dev/null; then echo "no change     $rc"; else
      { echo '# >>> conda initialize >>>'
        echo "# !! Contents within this block are managed by 'conda init' (berth stand-in) !!"
        echo "[ -f \"$PREFIX/etc/profile.d/conda.sh\" ] && . \"$PREFIX/etc/profile.d/conda.sh\""
        echo '# <<< conda initialize <<<'; } >> "$rc"
      echo "modified      $rc"
    fi ;;
  tos|config|clean) exit 0 ;;
  env)
    sub="${2:-}"; shift 2 || shift $#
    case "$sub" in
      list) if [[ " $* " == *" --json "* ]]; then envs_json; else echo "# conda environments:"; echo "base  $PREFIX"; for d in "$PREFIX"/envs/*/; do [[ -d "$d" ]] && echo "$(basename "$d")  ${d%/}"; done; fi ;;
      create|update)
        parse "$@"; [[ -n "$FILE" ]] || FILE=environment.yml
        [[ -f "$FILE" ]] || die "EnvironmentFileNotFound: '$FILE' file not found"
        [[ -n "$NAME" ]] || NAME="$(file_name "$FILE")"
        [[ -n "$NAME" ]] || die "CondaValueError: no environment name given and none in $FILE"
        dir="$(env_dir "$NAME")"
        if [[ "$sub" == create && -d "$dir" && " $* " != *" --force "* && " $* " != *" --yes "* && " $* " != *" -y "* ]]; then
          die "CondaValueError: prefix already exists: $dir"; fi
        make_env "$dir" "$FILE"; printf "# To activate this environment, use\n#     \$ conda activate %s\n" "$NAME" ;;
      remove) parse "$@"; rm -rf "$(env_dir "$NAME")" ;;
      *) die "conda stand-in: 'conda env $sub' is not implemented" ;;
    esac ;;
  create) shift; parse "$@"; [[ -n "$NAME" ]] || die "CondaValueError: one of --name or --prefix is required"
    make_env "$(env_dir "$NAME")"; echo "done" ;;
  run) shift; parse "$@"; [[ -n "$NAME" && -d "$(env_dir "$NAME")" ]] || die "EnvironmentLocationNotFound: Not a conda environment: ${NAME:-?}" ;;
  install|remove|update|list|activate|deactivate) exit 0 ;;
  *) die "conda stand-in: '${1:-}' is not implemented (berth lab kit)" ;;
esac
CONDA
chmod 755 "$PREFIX/bin/conda"
ln -sf ../bin/conda "$PREFIX/condabin/conda"
echo "installation finished. (__PRODUCT__ stand-in)"
