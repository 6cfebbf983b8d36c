#!/usr/bin/env bash
# Put the free Fandol fonts -- substitutes for 仿宋, 楷体, 黑体 and 宋体 -- into .fonts/ at the
# repository root. Debian ships them only inside texlive-lang-chinese, so that package is fetched
# with `apt-get download` and unpacked into a temporary folder; only the six OTF files are kept
# (TeX is not installed). Idempotent: does nothing when all six are present.
# Without apt-get it explains what to do and exits 0.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEST=$ROOT/.fonts
PKG=texlive-lang-chinese
FILES=(FandolFang-Regular.otf FandolKai-Regular.otf FandolHei-Regular.otf FandolHei-Bold.otf
       FandolSong-Regular.otf FandolSong-Bold.otf)

say() { printf 'setup-fonts: %s\n' "$*" >&2; }

missing=()
for f in "${FILES[@]}"; do
    [ -s "$DEST/$f" ] || missing+=("$f")
done
[ ${#missing[@]} -eq 0 ] && exit 0

no_fandol() {
    cat >&2 <<MSG
setup-fonts: $1
  The PDF then falls back to other installed fonts (Noto CJK), which lack a 仿宋 and a 楷体.
  To get the intended look, either
    - copy ${FILES[*]}
      (from CTAN's "fandol" package, or from any TeX Live installation) into
      $DEST/, or
    - install the office fonts 仿宋_GB2312, 楷体_GB2312, 黑体, 宋体 and 方正小标宋简体
      (if you hold licences for them) in your system's font folder.
  make repeats this note until the six files are in .fonts/; \`mkdir -p .fonts &&
  touch .fonts/.stamp\` silences it.
MSG
    exit 0
}

command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 ||
    no_fandol "no apt-get/dpkg-deb on this machine, so the Fandol fonts were not fetched."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/deb" "$tmp/root"
if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then
    # let apt fetch as its unprivileged user instead of warning and falling back to root
    chmod 755 "$tmp"
    chown _apt "$tmp/deb"
fi

download() { (cd "$tmp/deb" && apt-get download -qq "$PKG" >"$tmp/apt.log" 2>&1); }

say "fetching the Fandol fonts (Debian package $PKG, about 50 MB)"
if ! download; then
    # A fresh machine may have no package lists yet.
    if [ "$(id -u)" -eq 0 ]; then
        apt-get update -qq || true
    elif command -v sudo >/dev/null 2>&1; then
        sudo apt-get update -qq || true
    fi
    if ! download; then
        sed 's/^/  apt-get: /' "$tmp/apt.log" >&2
        no_fandol "could not download the Debian package $PKG."
    fi
fi

deb=$(find "$tmp/deb" -name "${PKG}_*.deb" | head -n 1)
[ -n "$deb" ] || no_fandol "apt-get download produced no $PKG package."
dpkg-deb -x "$deb" "$tmp/root"

mkdir -p "$DEST"
for f in "${FILES[@]}"; do
    src=$(find "$tmp/root" -type f -name "$f" | head -n 1)
    [ -n "$src" ] || no_fandol "$f is not in this version of $PKG."
    cp "$src" "$DEST/.$f.part"
    chmod 644 "$DEST/.$f.part"
    mv -f "$DEST/.$f.part" "$DEST/$f"
done
say "installed ${#FILES[@]} Fandol fonts into $DEST"
