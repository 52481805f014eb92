#!/usr/bin/env bash
# Install the Debian packages the tests need (e.g. postgresql, chromium, nginx), if missing.
# Usage: .ci/ensure-debian-packages.sh COMMAND=PACKAGE ...   e.g. chromium=chromium nginx=nginx
# A package is installed only when its command is not found (on PATH, or in /usr/sbin and /sbin,
# which a non-root PATH lacks); apt-get update runs once, first. Another apt run holding the
# dpkg lock (a parallel job) is waited for, not failed on.
set -euo pipefail
missing=()
for pair in "$@"; do
  command_name=${pair%%=*}
  package=${pair#*=}
  PATH="$PATH:/usr/sbin:/sbin" command -v "$command_name" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages: ${missing[*]} — install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "installing Debian packages: ${missing[*]}" >&2
wait_lock=(-o DPkg::Lock::Timeout=600)
apt-get "${wait_lock[@]}" update -qq
DEBIAN_FRONTEND=noninteractive apt-get "${wait_lock[@]}" install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
