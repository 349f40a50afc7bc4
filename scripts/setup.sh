#!/usr/bin/env bash
# Installs the system packages SiameseKit builds against, if they are missing (Debian/Ubuntu; macOS needs nothing).
set -euo pipefail
if [ "$(uname)" = "Darwin" ]; then exit 0; fi
need=()
dpkg -s libopenblas-dev >/dev/null 2>&1 || need+=(libopenblas-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
dpkg -s zlib1g-dev >/dev/null 2>&1 || need+=(zlib1g-dev)
dpkg -s libpng-dev >/dev/null 2>&1 || need+=(libpng-dev)
dpkg -s libturbojpeg0-dev >/dev/null 2>&1 || need+=(libturbojpeg0-dev)
dpkg -s libsqlite3-dev >/dev/null 2>&1 || need+=(libsqlite3-dev)
# The PostgreSQL server the gallery's PostgreSQL tests start (scripts/postgres-test-server.sh).
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
