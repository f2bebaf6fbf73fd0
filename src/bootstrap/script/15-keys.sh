# shellcheck shell=bash
# ---- docker-ce signing keys -------------------------------------------------------------
# A key is trusted by its full fingerprint only: berth's own copy of Docker's key, or a
# mirror's key whose fingerprint the stack pins. A host never swaps the key it trusts.

# gpg in batch mode, starting no agent (public keys need none; gpg before 2.1 starts none anyway).
gpg_batch() {
  if gpg --no-autostart --version >/dev/null 2>&1; then gpg --no-autostart --batch "$@"; else gpg --batch "$@"; fi
}

# Imports FILE into the throwaway gpg home HOME; prints the primary keys' fingerprints, one a
# line (gpg drops subkeys and user ids whose signatures do not check).
import_fingerprints() {
  gpg_batch --homedir "$2" --quiet --import "$1" >/dev/null 2>&1 || true
  gpg_batch --homedir "$2" --with-colons --fingerprint 2>/dev/null \
    | awk -F: '$1 == "pub" { p = 1; next } $1 == "fpr" && p { print $10 } { p = 0 }' || true
}

# The primary fingerprints in FILE, one a line.
key_fingerprints() {
  local home
  home=$(mktemp -d)
  import_fingerprints "$1" "$home"
  rm -rf "$home"
}

# Writes the key FPR from FILE to OUT (binary keyring) and OUT.asc (armored), as gpg exports
# it, if FILE holds that key and no other; else fails naming WHERE the file came from.
verified_key() {
  local file=$1 fpr=$2 where=$3 out=$4 home found
  home=$(mktemp -d)
  found=$(import_fingerprints "$file" "$home")
  if [[ $found != "$fpr" ]]; then
    rm -rf "$home"
    if [[ -z $found ]]; then found="not an OpenPGP public key"
    elif [[ $found == *$'\n'* ]]; then found="$(wc -l <<<"$found") keys (${found//$'\n'/, })"
    fi
    die "the docker-ce signing key from $where is $found, not the expected $fpr — berth trusts no other key for this mirror and installed nothing from it (if its key changed on purpose, pin the new fingerprint in dockerCeKeyFingerprint)"
  fi
  gpg_batch --homedir "$home" --export "$fpr" >"$out"
  gpg_batch --homedir "$home" --armor --export "$fpr" >"$out.asc"
  rm -rf "$home"
}

# The verified signing key of docker-ce mirror NAME at URL into OUT and OUT.asc: berth's own
# copy when it ships one for FPR, else the mirror's <url>/linux/<repo>/gpg.
docker_key() {
  local name=$1 url=$2 fpr=$3 out=$4 shipped="$BERTH_ETC/keys/$3.asc" src="$4.download"
  [[ -n $fpr ]] || die "mirrors.list names no signing key for docker-ce mirror $name: render the bootstrap again with this berth"
  if [[ -f $shipped ]]; then
    verified_key "$shipped" "$fpr" "berth's copy ($shipped)" "$out"
    return 0
  fi
  fetch "$url/linux/$DOCKER_REPO/gpg" "$src" || die "cannot download the docker-ce signing key from $name ($url/linux/$DOCKER_REPO/gpg)"
  verified_key "$src" "$fpr" "$name ($url/linux/$DOCKER_REPO/gpg)" "$out"
}

# Installs keyring SRC (the key FPR, for mirror NAME) at DEST unless DEST already holds
# another key; returns 0 when DEST changed.
install_key() {
  local src=$1 dest=$2 fpr=$3 name=$4 have
  if [[ -e $dest ]]; then
    have=$(key_fingerprints "$dest")
    have=${have//$'\n'/, }
    if [[ $have != "$fpr" ]]; then
      die "docker-ce mirror $name is signed with key $fpr, but this host already trusts ${have:+key }${have:-an unreadable key} in $dest — berth never replaces a trusted signing key; if the new key is intended, remove $dest on the host and run the bootstrap again"
    fi
  fi
  install_if_changed "$src" "$dest"
}
