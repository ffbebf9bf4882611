#!/usr/bin/env bash
# Install the Debian packages the test suite needs, only if missing:
#   chromium    - driven by Playwright for the browser tests (never `playwright install`)
#   postgresql  - a throwaway server for the PostgreSQL run of the suite
#   libpango-1.0-0, libpangoft2-1.0-0, fonts-dejavu-core - WeasyPrint's PDF reports
set -euo pipefail

need=()
for pkg in chromium postgresql libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    need+=("$pkg")
  fi
done
[ ${#need[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${need[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "installing Debian packages: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
