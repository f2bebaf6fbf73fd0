#!/bin/bash
# __PRODUCT__ STAND-IN installer from the berth lab kit's Python mirror. This is NOT Anaconda's
# or conda-forge's installer: the real one cannot be downloaded on these machines. It keeps the
# real interface (-b batch, -p PREFIX, -u update) and, like the real one, carries its payload:
# pip's wheel (below the __PIP_WHEEL__ line). PREFIX/bin/conda is a small bash stand-in that
# logs every call to PREFIX/.berth-standin/calls.log; its environments are Python virtual
# environments of the host's python3 with pip in them, and `conda run` runs the command in one,
# so `conda run -n ENV python -m pip install -r requirements.txt` installs for real, through
# /etc/pip.conf. An environment's Python is the host's (the version asked for is not honoured).
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
command -v python3 >/dev/null || { echo "__PRODUCT__ stand-in: needs the host's python3" >&2; exit 1; }
echo "PREFIX=$PREFIX"
echo "Unpacking payload ..."
mkdir -p "$PREFIX/bin" "$PREFIX/condabin" "$PREFIX/envs" "$PREFIX/etc/profile.d" \
  "$PREFIX/conda-meta" "$PREFIX/pkgs" "$PREFIX/.berth-standin"
awk 'found { print } /^__PIP_WHEEL__$/ { found = 1 }' "$0" | base64 -d > "$PREFIX/pkgs/__PIP_WHEEL_FILE__"
touch "$PREFIX/.berth-standin/calls.log"
# The record is the stand-in's own: any user's conda calls (conda init runs as the login user) go in.
chmod 0666 "$PREFIX/.berth-standin/calls.log"
echo "__PRODUCT__ stand-in (berth lab kit, runs pip)" > "$PREFIX/.berth-standin/README"
cat > "$PREFIX/etc/profile.d/conda.sh" <<PROFILE
# __PRODUCT__ stand-in: puts the stand-in conda on PATH.
export CONDA_EXE="$PREFIX/bin/conda"
case ":\$PATH:" in *":$PREFIX/condabin:"*) ;; *) export PATH="$PREFIX/condabin:\$PATH" ;; esac
PROFILE
cat > "$PREFIX/bin/conda" <<'CONDA'
#!/bin/bash
# conda STAND-IN (berth lab kit). Records every call; implements a small subset. Environments
# are virtual environments of the host's python3 with pip unpacked into them.
set -euo pipefail
PREFIX="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
{ printf '%q ' "$@"; printf '\n'; } >> "$PREFIX/.berth-standin/calls.log"
die() { echo "$*" >&2; exit 1; }
env_dir() { [[ "$1" == base ]] && echo "$PREFIX" || echo "$PREFIX/envs/$1"; }
file_name() { sed -n 's/^name:[[:space:]]*\([^[:space:]#]*\).*/\1/p' "$1" | head -n1; }
# A Python virtual environment at DIR with pip in it (unpacked from the payload, as conda would).
make_python() {
  local dir=$1 site
  [[ -x "$dir/bin/python" ]] || python3 -m venv --without-pip "$dir"
  site=$("$dir/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  [[ -d "$site/pip" ]] || python3 -m zipfile -e "$PREFIX"/pkgs/pip-*.whl "$site"
}
make_env() { mkdir -p "$1/conda-meta"; make_python "$1"; [[ -z "${2:-}" ]] || cp "$2" "$1/conda-meta/berth-environment.yml"; }
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
  run)
    # conda run [-n NAME | -p PREFIX] [--no-capture-output|--live-stream|--cwd DIR] COMMAND…
    shift; NAME=base; DIR=""
    while [[ $# -gt 0 ]]; do
      case "$1" in
        -n|--name) NAME="$2"; shift 2 ;; --name=*) NAME="${1#*=}"; shift ;;
        -p|--prefix) DIR="$2"; shift 2 ;; --prefix=*) DIR="${1#*=}"; shift ;;
        --cwd) cd "$2"; shift 2 ;;
        --no-capture-output|--live-stream|-s|--debug-wrapper-scripts) shift ;;
        --) shift; break ;;
        -*) die "conda stand-in: conda run $1 is not implemented" ;;
        *) break ;;
      esac
    done
    [[ $# -gt 0 ]] || die "CondaError: conda run needs a command"
    [[ -n "$DIR" ]] || DIR="$(env_dir "$NAME")"
    [[ -x "$DIR/bin/python" ]] || die "EnvironmentLocationNotFound: Not a conda environment: $DIR"
    export CONDA_PREFIX="$DIR" CONDA_DEFAULT_ENV="$NAME" VIRTUAL_ENV="$DIR" PATH="$DIR/bin:$PATH"
    exec "$@" ;;
  install|remove|update|list|activate|deactivate) exit 0 ;;
  *) die "conda stand-in: '${1:-}' is not implemented (berth lab kit)" ;;
esac
CONDA
chmod 755 "$PREFIX/bin/conda"
ln -sf ../bin/conda "$PREFIX/condabin/conda"
# The base environment is a Python environment too.
python3 -m venv --without-pip "$PREFIX"
site=$("$PREFIX/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
python3 -m zipfile -e "$PREFIX/pkgs/__PIP_WHEEL_FILE__" "$site"
echo "installation finished. (__PRODUCT__ stand-in)"
exit 0
__PIP_WHEEL__
