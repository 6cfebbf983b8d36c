#!/usr/bin/env bash
# Install the Debian/Ubuntu packages that the renderers and the tests need:
#   Pango, HarfBuzz (with hb-subset) and fontconfig   -> WeasyPrint (PDF)
#   fonts-noto-cjk                                     -> CJK glyphs, 小标宋/黑体 fallbacks
#   poppler-utils                                      -> pdftotext/pdftoppm, used by the tests
#   chromium, libatomic1                               -> the browser tests of the review page
#                                                         (libatomic1: Playwright's bundled node)
#   python3-venv                                       -> only if `python3 -m venv` cannot work
#
# Idempotent and silent when everything is present. Runs apt-get (through sudo when not root);
# `apt-get update` only when something has to be installed. On a machine without apt/dpkg it
# prints what to install by hand and exits 0.
set -euo pipefail

PYTHON=${PYTHON:-python3}
PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-noto-cjk poppler-utils chromium libatomic1)

say() { printf 'setup-system: %s\n' "$*" >&2; }

venv_works() { "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; }

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    venv_works || say "'$PYTHON -m venv' will not work: install Python's venv/ensurepip module."
    cat >&2 <<'MSG'
setup-system: this is not a Debian/Ubuntu machine (no apt-get/dpkg), so nothing was installed.
  Please install these yourself with your system's package manager:
    - Pango >= 1.44 with its FreeType/fontconfig backend (pangoft2), HarfBuzz including the
      hb-subset library, fontconfig                      (WeasyPrint needs them for the PDF)
    - Noto CJK fonts (Noto Serif CJK SC, Noto Sans CJK SC)
    - poppler's command-line tools (pdftotext, pdftoppm)  (used by the tests)
    - Chromium at /usr/bin/chromium                        (browser tests; skipped without it)
    - Python >= 3.11 with the venv module
  e.g. Fedora: dnf install pango harfbuzz fontconfig google-noto-sans-cjk-fonts \
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
if ! venv_works; then
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
    say "missing packages: ${missing[*]}"
    say "you are not root and there is no sudo; as root, run:"
    say "  apt-get update && apt-get install --no-install-recommends ${missing[*]}"
    exit 1
fi

say "installing ${missing[*]}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# apt's output goes to a log that is shown only if something fails.
run_apt() {
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q "$@" >"$log" 2>&1 || {
        cat "$log" >&2
        say "apt-get $* failed"
        return 1
    }
}
run_apt update || say "warning: continuing with the package lists already on this machine"
# Install what this distribution knows; name what it does not (e.g. an older release).
known=()
for pkg in "${missing[@]}"; do
    if apt-cache show "$pkg" >/dev/null 2>&1; then
        known+=("$pkg")
    else
        say "warning: no package '$pkg' here; install its equivalent by hand"
    fi
done
if [ ${#known[@]} -gt 0 ]; then
    run_apt install -y --no-install-recommends "${known[@]}" || exit 1
fi
say "done"
