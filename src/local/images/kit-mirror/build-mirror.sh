#!/bin/bash
# Builds the lab kit's mirror tree (runs inside a builder container from the base image).
# docker-ce here is a STAND-IN: Debian's docker.io repackaged under Docker's package names.
set -euo pipefail
out="$1"
work=$(mktemp -d)
deb_root="$out/docker-ce/linux/debian"
pool="$deb_root/dists/bookworm/pool/stable/amd64"
# Two docker-ce versions so that version pinning can be exercised; same bits inside.
versions=("5:20.10.24~3-0~debian-bookworm" "5:20.10.23~3-0~debian-bookworm")
mkdir -p "$pool" "$deb_root/dists/bookworm/stable/binary-amd64"

cd "$work"
apt-get download docker.io >/dev/null
src_deb=$(ls docker.io_*.deb)

# Rewrite the control file with awk (no python in the builder).
rewrite_control() { # control version
  awk -v ver="$2" '
    BEGIN { skip = 0 }
    /^[A-Za-z-]+:/ { skip = 0 }
    /^(Conflicts|Replaces|Breaks|Provides|Version|Package|Depends|Description|Source|Homepage):/ {
      if ($1 == "Depends:") { print $0 ", docker-ce-cli, containerd.io" }
      skip = 1; next }
    skip && /^ / { next }
    { print }
    END {
      print "Package: docker-ce"
      print "Version: " ver
      print "Conflicts: docker.io, docker-engine"
      print "Replaces: docker.io, docker-engine"
      print "Description: STAND-IN docker-ce for the berth lab kit"
      print " Debian'"'"'s docker.io repackaged as docker-ce. Not Docker'"'"'s own build."
    }' "$1" > "$1.new"
  mv "$1.new" "$1"
}

for v in "${versions[@]}"; do
  d="$work/docker-ce-${v#5:}"
  dpkg-deb -R "$src_deb" "$d"
  rewrite_control "$d/DEBIAN/control" "$v"
  dpkg-deb -Zgzip -z6 -b "$d" "$pool/docker-ce_${v#5:}_amd64.deb" >/dev/null
done

stub() { # name version
  local d="$work/stub-$1-$2"
  mkdir -p "$d/DEBIAN" "$d/usr/share/doc/$1"
  printf 'STAND-IN package %s %s from the berth lab kit: intentionally empty.\n' "$1" "$2" \
    > "$d/usr/share/doc/$1/README.berth-standin"
  cat > "$d/DEBIAN/control" <<CTL
Package: $1
Version: $2
Architecture: amd64
Maintainer: berth lab kit <kit@berth.lab>
Section: admin
Priority: optional
Description: STAND-IN $1 for the berth lab kit
 Empty placeholder so that Docker's documented install command works.
CTL
  dpkg-deb -b "$d" "$pool/${1}_${2#*:}_amd64.deb" >/dev/null
}
for v in "${versions[@]}"; do
  stub docker-ce-cli "$v"
  stub docker-ce-rootless-extras "$v"
done
stub containerd.io "1.6.20-1"
stub docker-buildx-plugin "0.10.4-1~debian.12~bookworm"
stub docker-compose-plugin "2.17.2-1~debian.12~bookworm"

# Index and sign like download.docker.com (Release written outside dists/ first).
cd "$deb_root"
apt-ftparchive packages dists/bookworm/pool/stable/amd64 > dists/bookworm/stable/binary-amd64/Packages
gzip -9kn dists/bookworm/stable/binary-amd64/Packages
apt-ftparchive \
  -o APT::FTPArchive::Release::Origin=Docker -o APT::FTPArchive::Release::Label=Docker \
  -o APT::FTPArchive::Release::Suite=bookworm -o APT::FTPArchive::Release::Codename=bookworm \
  -o APT::FTPArchive::Release::Architectures=amd64 -o APT::FTPArchive::Release::Components=stable \
  release dists/bookworm > "$work/Release"
mv "$work/Release" dists/bookworm/Release
# The kit's own throwaway key (labkit-signing-key.asc, committed on purpose): a fixed key gives
# every machine the same fingerprint, which stacks/Pulumi.local.yaml pins like any custom mirror's.
export GNUPGHOME="$work/gnupg"
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --import /build/labkit-signing-key.asc
gpg --batch --quiet --yes --clearsign -o dists/bookworm/InRelease dists/bookworm/Release
gpg --batch --quiet --yes -abs -o dists/bookworm/Release.gpg dists/bookworm/Release
gpg --batch --armor --export > "$work/gpg.asc" && mv "$work/gpg.asc" gpg

# STAND-IN Miniconda / Miniforge installers with SHA256SUMS next to each.
publish_installer() { # dir file product
  mkdir -p "$out/$1"
  sed "s/__PRODUCT__/$3/g" /build/conda-standin-installer.sh > "$out/$1/$2"
  (cd "$out/$1" && sha256sum "$2" > SHA256SUMS)
}
publish_installer anaconda/miniconda Miniconda3-latest-Linux-x86_64.sh Miniconda3
publish_installer github-release/conda-forge/miniforge/LatestRelease Miniforge3-Linux-x86_64.sh Miniforge3

printf 'berth lab kit mirror (stand-ins; see README)\n' > "$out/index.html"
rm -rf "$work"
find "$out" -type f | sort
