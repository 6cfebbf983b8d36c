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
  PDF 将改用本机其他字体（Noto CJK），其中没有仿宋和楷体。要得到应有的效果，可以：
    - 把 ${FILES[*]}
      （CTAN 的 fandol 软件包或任一 TeX Live 安装中都有）复制到 $DEST/；或
    - 在系统字体文件夹中安装办公字体 仿宋_GB2312、楷体_GB2312、黑体、宋体 和 方正小标宋简体
      （需有授权）。
  在这六个文件放进 .fonts/ 之前，make 每次都会提示；不想再看到提示，可运行
  mkdir -p .fonts && touch .fonts/.stamp
MSG
    exit 0
}

command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 ||
    no_fandol "这台电脑没有 apt-get/dpkg-deb，未能下载 Fandol 字体。"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/deb" "$tmp/root"
if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then
    # let apt fetch as its unprivileged user instead of warning and falling back to root
    chmod 755 "$tmp"
    chown _apt "$tmp/deb"
fi

download() { (cd "$tmp/deb" && apt-get download -qq "$PKG" >"$tmp/apt.log" 2>&1); }

say "正在下载 Fandol 字体（Debian 软件包 $PKG，约 50 MB）"
if ! download; then
    # A fresh machine may have no package lists yet.
    if [ "$(id -u)" -eq 0 ]; then
        apt-get update -qq || true
    elif command -v sudo >/dev/null 2>&1; then
        sudo apt-get update -qq || true
    fi
    if ! download; then
        sed 's/^/  apt-get: /' "$tmp/apt.log" >&2
        no_fandol "无法下载 Debian 软件包 $PKG。"
    fi
fi

deb=$(find "$tmp/deb" -name "${PKG}_*.deb" | head -n 1)
[ -n "$deb" ] || no_fandol "apt-get download 没有下载到 $PKG 软件包。"
dpkg-deb -x "$deb" "$tmp/root"

mkdir -p "$DEST"
for f in "${FILES[@]}"; do
    src=$(find "$tmp/root" -type f -name "$f" | head -n 1)
    [ -n "$src" ] || no_fandol "这一版本的 $PKG 中没有 $f。"
    cp "$src" "$DEST/.$f.part"
    chmod 644 "$DEST/.$f.part"
    mv -f "$DEST/.$f.part" "$DEST/$f"
done
say "已把 ${#FILES[@]} 个 Fandol 字体装入 $DEST"
