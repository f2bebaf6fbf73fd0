/**
 * The fixed shell scripts berth runs on a host, as `sh -c SCRIPT NAME ARGS…`: every value
 * travels as an argument, never pasted into the script text. Each one saves round trips by
 * doing in one exec what would otherwise take several. Checked by shellcheck (POSIX sh) and run
 * against a real sshd and real VMs in the tests.
 *
 * The deploy lock is the file DIR/lock: created by hard-linking a complete file, so it appears
 * atomically and whole; it names its holder (token, since, user, machine, pid, run) and its
 * mtime is the holder's last heartbeat. Exit 75 (EX_TEMPFAIL) means "held by someone else".
 */

const HELD = "exit 75";
const MINE = 'grep -qxF "token=$2" "$1/lock" 2>/dev/null';
const NOT_MINE = `{ echo "berth: this deploy no longer holds the lock $1/lock" >&2; ${HELD}; }`;
const SHOW = 'printf \'now=%s\\nbeat=%s\\n%s\\n\' "$(date +%s)" "$(stat -c %Y -- "$1/lock" 2>/dev/null)" "$held"';

/**
 * http_check URL WANT TIMEOUT CONTAINER: ask URL from the host itself until it answers WANT
 * (0), the container is no longer running (3, prints state=…) or TIMEOUT seconds pass (4,
 * prints code=…); every 50 ms for the first 3 s (most apps answer within one), then every 0.5 s.
 */
const HTTP_CHECK = [
  "http_check() {",
  '  end=$(( $(date +%s) + $3 ))',
  "  n=0",
  "  code=000",
  '  while [ "$(date +%s)" -lt "$end" ]; do',
  '    code=$(curl --silent --output /dev/null --max-time 5 --write-out "%{http_code}" -- "$1")',
  '    if [ "$code" = "$2" ]; then return 0; fi',
  '    state=$(docker container inspect --format "{{.State.Status}}" -- "$4" 2>/dev/null) || state=missing',
  '    if [ "$state" != running ]; then echo "state=$state"; return 3; fi',
  "    n=$((n + 1))",
  '    if [ "$n" -lt 60 ]; then sleep 0.05; else sleep 0.5; fi',
  "  done",
  '  echo "code=$code"',
  "  return 4",
  "}",
].join("\n");

const FINISH = [
  "umask 077",
  `${MINE} || ${NOT_MINE}`,
  'if [ -n "$6" ]; then docker rm --force --volumes -- "$6" >/dev/null || exit 1; fi',
  '{ printf \'%s\\n\' "$5"; grep -x \'sha256:[0-9a-f]*\' "$1/images" 2>/dev/null | grep -vxF -- "$5"; } > "$1/images.new"',
  'head -n "$4" "$1/images.new" > "$1/images"',
  'tail -n "+$(($4 + 1))" "$1/images.new" | xargs -r docker image rm -- >/dev/null 2>&1',
  'rm -f -- "$1/images.new" "$1"/*.env',
  'if [ -n "$3" ]; then rm -rf -- "$3"; fi',
  "find \"$1\" -maxdepth 1 -name 'login-*' -mmin +60 -exec rm -rf -- {} +",
  'rm -f -- "$1/lock"',
].join("\n");

export const SCRIPTS = {
  /** DIR TOKEN HOLDER: take the lock (exit 0), or print it and exit 75. Taking it again with the same token succeeds. */
  acquire: [
    "umask 077",
    'mkdir -p -- "$1" || exit 1',
    'mine="$1/lock.$2"',
    'printf \'token=%s\\nsince=%s\\n%s\\n\' "$2" "$(date +%s)" "$3" > "$mine" || exit 1',
    'if ln -- "$mine" "$1/lock" 2>/dev/null; then rm -f -- "$mine"; exit 0; fi',
    'rm -f -- "$mine"',
    `${MINE} && exit 0`,
    `held=$(cat -- "$1/lock" 2>/dev/null) || ${HELD}`,
    SHOW,
    HELD,
  ].join("\n"),
  /** DIR: print the lock with the host's clock (now, beat), or exit 3 when there is none. */
  status: ['held=$(cat -- "$1/lock" 2>/dev/null) || exit 3', SHOW].join("\n"),
  /** DIR TOKEN: refresh the heartbeat while the lock is still this token's. */
  heartbeat: `${MINE} && touch -c -- "$1/lock"`,
  /** DIR TOKEN: remove the lock, and its holder's login directory, only if it is still the one that was shown (exit 1 otherwise). */
  break: `${MINE} && rm -rf -- "$1/lock" "$1/login-$2"`,
  /** LOCKDIR TOKEN ARGV…: run ARGV only while this token holds the lock. */
  guard: [`${MINE} || ${NOT_MINE}`, "shift 2", 'exec "$@"'].join("\n"),
  /** DIR USER SERVER, password on stdin: log in with a throwaway Docker config directory DIR. */
  login: 'umask 077 && mkdir -p -- "$1" && exec docker --config "$1" login --username "$2" --password-stdin -- "$3"',
  /** IMAGE [--config DIR]: pull (progress on stderr), then print the image id. */
  pull: ['image=$1', "shift", 'docker "$@" pull -- "$image" >&2 && exec docker image inspect --format \'{{.Id}}\' -- "$image"'].join("\n"),
  /**
   * DIR TOKEN LOGINDIR KEEP IMAGEID PREV: after a release passed its check, in one exec: remove
   * the set-aside container PREV, record IMAGEID first in DIR/images and remove the images
   * beyond KEEP, remove env-files of older berth versions, this deploy's login directory and
   * login directories abandoned for an hour, then release the lock.
   */
  finish: FINISH,
  /**
   * DIR TOKEN LOGINDIR KEEP IMAGEID PREV URL WANT TIMEOUT CONTAINER RUN-ARGV…: while the lock is
   * held, start the release (RUN-ARGV, `docker run …`, its env-file on stdin; exit 5 when it
   * fails), check it over HTTP from the host (exit 3 or 4 when that fails), and finish as soon as
   * it passes: one exec from start to released lock.
   */
  launch: [
    `${MINE} || ${NOT_MINE}`,
    HTTP_CHECK,
    'dir=$1 token=$2 login=$3 keep=$4 id=$5 prev=$6 url=$7 want=$8 wait=$9 name=${10}',
    "shift 10",
    '"$@" >/dev/null || { echo "run=$?"; exit 5; }',
    'http_check "$url" "$want" "$wait" "$name" || exit $?',
    'set -- "$dir" "$token" "$login" "$keep" "$id" "$prev"',
    FINISH,
  ].join("\n"),
  /**
   * DIR TOKEN: after the connection dropped during launch, what became of it: `released` (it
   * passed and finished), `running` (still checking), `stopped` (it ended without finishing, so the
   * lock is still this deploy's), `unknown` (no pgrep to tell running from stopped).
   */
  verdict: [
    `${MINE} || { echo released; exit 0; }`,
    "if ! command -v pgrep >/dev/null 2>&1; then echo unknown",
    'elif pgrep -f -- "berth-launch $1 $2" >/dev/null; then echo running',
    "else echo stopped; fi",
  ].join("\n"),
  /** DIR TOKEN LOGINDIR: after a failed or no-op deploy: remove the login directory, and env-files and the lock if held. */
  release: [
    'if [ -n "$3" ]; then rm -rf -- "$3"; fi',
    `if ${MINE}; then rm -f -- "$1/lock" "$1"/*.env; fi`,
    "exit 0",
  ].join("\n"),
  /** DIR TOKEN APP SERVER: with the lock held, remove the app's containers, log out of SERVER, remove DIR (and the lock with it). */
  teardown: [
    `${MINE} || ${NOT_MINE}`,
    'ids=$(docker ps --all --quiet --filter "label=berth.app=$3") || exit 1',
    'if [ -n "$ids" ]; then printf \'%s\\n\' "$ids" | xargs docker rm --force --volumes -- >/dev/null || exit 1; fi',
    'if [ -n "$4" ]; then docker logout -- "$4" >/dev/null 2>&1; fi',
    'rm -rf -- "$1"',
  ].join("\n"),
} as const;

export type ScriptName = keyof typeof SCRIPTS;
