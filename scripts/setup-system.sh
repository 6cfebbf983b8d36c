#!/usr/bin/env bash
# Install the Debian/Ubuntu packages that building and serving need (`make setup`):
#   Pango, HarfBuzz (with hb-subset) and fontconfig   -> WeasyPrint (PDF)
#   fonts-noto-cjk                                     -> CJK glyphs, 小标宋/黑体 fallbacks
#   poppler-utils                                      -> pdftotext/pdftoppm: PDF import, the review
#                                                         page's print preview, the tests
#   python3-venv                                       -> only if `python3 -m venv` cannot work
# and, with --tests (`make test`), what only the tests use:
#   chromium, libatomic1                               -> the browser tests of the review page
#                                                         (libatomic1: Playwright's bundled node)
#   libreoffice-writer-nogui, libreoffice-calc-nogui   -> the tests' round trips of a reviewed
#                                                         DOCX (absorb) and a returned XLSX (merge)
#
# Idempotent and silent when everything is present. Runs apt-get (through sudo when not root);
# `apt-get update` only when something has to be installed. On a machine without apt/dpkg it
# prints what to install by hand and exits 0.
set -euo pipefail

PYTHON=${PYTHON:-python3}
PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-noto-cjk poppler-utils)
if [ "${1:-}" = --tests ]; then
    PACKAGES=(chromium libatomic1 libreoffice-writer-nogui libreoffice-calc-nogui)
fi

say() { printf 'setup-system: %s\n' "$*" >&2; }

venv_works() { "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; }

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    [ "${1:-}" = --tests ] && exit 0  # the list below was shown by `make setup` already
    venv_works || say "'$PYTHON -m venv' 无法使用：请安装 Python 的 venv/ensurepip 模块。"
    cat >&2 <<'MSG'
setup-system: 这台电脑不是 Debian/Ubuntu（没有 apt-get/dpkg），因此没有安装任何软件包。
  请用本系统的软件包管理器自行安装：
    - Pango >= 1.44（含 pangoft2）、含 hb-subset 库的 HarfBuzz、fontconfig（生成 PDF 需要）
    - Noto CJK 字体（Noto Serif CJK SC、Noto Sans CJK SC）
    - poppler 命令行工具（pdftotext、pdftoppm；测试用）
    - /usr/bin/chromium 的 Chromium（浏览器测试用；没有则跳过）
    - LibreOffice Writer 和 Calc（往返测试用；没有则跳过）
    - Python >= 3.11 及其 venv 模块
  例如 Fedora: dnf install pango harfbuzz fontconfig google-noto-sans-cjk-fonts \
                   google-noto-serif-cjk-fonts poppler-utils chromium
       Arch:   pacman -S pango harfbuzz fontconfig noto-fonts-cjk poppler chromium
       macOS:  brew install pango harfbuzz poppler  (and the Noto CJK fonts)
MSG
    exit 0
fi

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q ' installed$'
}

missing=()
for pkg in "${PACKAGES[@]}"; do
    installed "$pkg" || missing+=("$pkg")
done
if [ "${1:-}" != --tests ] && ! venv_works; then
    # python3-venv for the default python3; pythonX.Y-venv when $PYTHON is another version.
    ver=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    default=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true)
    if [ "$ver" = "$default" ]; then missing+=(python3-venv); else missing+=("python$ver-venv"); fi
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    say "缺少软件包：${missing[*]}"
    say "当前不是 root 用户，也没有 sudo；请以 root 身份运行："
    say "  apt-get update && apt-get install --no-install-recommends ${missing[*]}"
    exit 1
fi

say "正在安装 ${missing[*]}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# apt's output goes to a log that is shown only if something fails.
run_apt() {
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q "$@" >"$log" 2>&1 || {
        cat "$log" >&2
        say "apt-get $* 失败"
        return 1
    }
}
run_apt update || say "提示：软件包列表未能更新，继续使用本机已有的列表"
# Install what this distribution knows; name what it does not (e.g. an older release).
known=()
for pkg in "${missing[@]}"; do
    if apt-cache show "$pkg" >/dev/null 2>&1; then
        known+=("$pkg")
    else
        say "提示：本系统没有软件包 '$pkg'，请手动安装相应的软件"
    fi
done
if [ ${#known[@]} -gt 0 ]; then
    run_apt install -y --no-install-recommends "${known[@]}" || exit 1
fi
say "完成"
