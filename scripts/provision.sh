#!/usr/bin/env bash
# The Debian packages CX Center needs on this machine, installed when missing.
#   scripts/provision.sh run    what `make run` needs: Python's venv, Pango and a CJK font for the PDFs
#   scripts/provision.sh test   what `make test` needs as well: Chromium for the browser tests, Redis for the broker
# As root the missing packages are installed quietly; otherwise the exact command to install them is printed.
set -euo pipefail

purpose="${1:-run}"
missing=()

python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
# WeasyPrint draws text with Pango; without a CJK font the Chinese of every PDF comes out as empty boxes.
/sbin/ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so' || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v fc-list >/dev/null || missing+=(fontconfig)
{ command -v fc-list >/dev/null && fc-list :lang=zh | grep -q .; } || missing+=(fonts-wqy-microhei)
if [[ "$purpose" == test ]]; then
  command -v chromium >/dev/null || missing+=(chromium)
  command -v redis-server >/dev/null || missing+=(redis-server)
fi

((${#missing[@]})) || exit 0
if ((EUID != 0)); then
  echo "CX Center needs these Debian packages: ${missing[*]}. Install them with:" >&2
  echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have no package lists yet; refresh them once when they are missing or a day old.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# apt's progress goes to a log, shown only when something fails.
if [[ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -1)" ]]; then
  apt-get update -qq >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
