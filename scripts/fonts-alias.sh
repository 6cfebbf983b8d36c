#!/usr/bin/env bash
# Install scripts/fonts-alias.conf for the user's desktop: WPS and LibreOffice then draw the office
# fonts a DOCX names (仿宋_GB2312, 楷体_GB2312, 黑体, 方正小标宋简体, 宋体) in the Fandol fonts of .fonts/,
# the ones the PDF embeds. Running it again changes nothing unless the project moved or the mapping changed.
# Usage: scripts/fonts-alias.sh [target file]   (default ~/.config/fontconfig/conf.d/60-fazhi-report-fonts.conf)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=${1:-${XDG_CONFIG_HOME:-$HOME/.config}/fontconfig/conf.d/60-fazhi-report-fonts.conf}
if ! ls "$root"/.fonts/Fandol*.otf >/dev/null 2>&1; then
  echo "错误：$root/.fonts/ 中没有 Fandol 字体；请先运行 make setup（见 README.md“字体”一节）" >&2
  exit 1
fi
content=$(sed -e "s|^<fontconfig>$|<fontconfig>\n  <dir>$root/.fonts</dir>|" "$root/scripts/fonts-alias.conf")
if [ -f "$target" ] && [ "$(cat "$target")" = "$content" ]; then
  echo "字体替换配置已是最新：$target"
  exit 0
fi
mkdir -p "$(dirname "$target")"
printf '%s\n' "$content" > "$target.tmp" && mv "$target.tmp" "$target"
if [ $# -eq 0 ] && command -v fc-cache >/dev/null; then fc-cache -f >/dev/null 2>&1 || true; fi  # the user's desktop
echo "已写入字体替换配置：$target"
echo "重新打开 WPS 或 LibreOffice 后生效；要撤销，删除这个文件即可。"
