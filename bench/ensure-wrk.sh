#!/usr/bin/env bash
# wrk generates the load; it is Debian's package `wrk`. Installed here when we may (root).
set -euo pipefail
command -v wrk >/dev/null && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "bench: installing wrk (apt-get install wrk)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
else
  echo "bench: wrk is missing; install it with: sudo apt-get install wrk" >&2
  exit 1
fi
