#!/usr/bin/env bash
# Install the Debian packages the tests need (e.g. postgresql, chromium), if missing.
# Usage: .ci/ensure-debian-packages.sh COMMAND=PACKAGE ...   e.g. chromium=chromium pg_ctlcluster=postgresql
# A package is installed only when its command is not on PATH; apt-get update runs once, first.
set -euo pipefail
missing=()
for pair in "$@"; do
  command_name=${pair%%=*}
  package=${pair#*=}
  command -v "$command_name" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages: ${missing[*]} — install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "installing Debian packages: ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
