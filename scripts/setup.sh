#!/usr/bin/env bash
# Set up PACER Desktop on a Debian machine with Python 3.11+: the system libraries Qt needs
# (offscreen and under Xvfb), PDF tools for the tests, a virtual environment in .venv, and the
# project with its test extras. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # Qt offscreen (tests) — see ../shared/notes/platform-facts.md
  libgl1 libegl1 libfontconfig1 libglib2.0-0 libxkbcommon0 libdbus-1-3 fonts-dejavu-core
  # a real X window under Xvfb (screenshots, the bundle's self-test)
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1 libx11-xcb1 xvfb xauth
  # PDF pages to text and images (report tests), objdump for PyInstaller
  poppler-utils binutils
  # SQLite's own program: `pacer-desktop salvage` recovers a damaged database with it (shipped in the bundle)
  sqlite3
  # a fake clock for the suite at other dates (.ci/run: one run in 2025, one in 2031)
  faketime
)

PYTHON=${PYTHON:-python3}

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  missing+=("python3-venv")
fi
if ((${#missing[@]})); then
  echo "setup: installing system packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

"$PYTHON" - <<'PY'
import sys
if sys.version_info < (3, 11):
    sys.exit(f"setup: PACER Desktop needs Python 3.11 or newer, this is {sys.version.split()[0]}")
PY

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
fi
echo "setup: installing the locked packages (requirements/lock.txt) into .venv"
# Hash mode: the same source always installs the same packages, byte for byte. pip refuses an
# editable project in hash mode, so the project goes in afterwards, without dependencies and with
# the locked setuptools (no build isolation, so nothing unlocked is fetched to build it).
.venv/bin/python -m pip install --quiet --require-hashes -r requirements/lock.txt
# setuptools warns about every editable install; its output is shown only when the install fails.
if ! out=$(.venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e . 2>&1); then
  echo "$out" >&2
  exit 1
fi
echo "setup: done"
