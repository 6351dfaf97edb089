#!/usr/bin/env bash
# ItSchool's test command: installs what the tests need on a fresh machine, builds with warnings as
# errors, and runs every test (grain, HTTP and browser) against real PostgreSQL and headless Chromium.
set -euo pipefail
# Belgian time on every run, as on a school's server: a moment handed to PostgreSQL in the machine's zone fails here.
export TZ=Europe/Brussels
cd "$(dirname "$0")"

install_debian_package() {
  if [ "$(id -u)" != 0 ]; then
    echo "The tests need Debian's '$1' package: sudo apt-get install -y $1" >&2
    exit 1
  fi
  echo "Installing Debian's $1 package for the tests…"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
  fi
}

if ! command -v pg_ctl >/dev/null && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  install_debian_package postgresql
fi
if [ ! -x /usr/bin/zbarimg ]; then
  install_debian_package zbar-tools
fi
if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
  install_debian_package fonts-dejavu-core
fi
if [ ! -x /usr/bin/chromium ]; then
  install_debian_package chromium
fi

# Release: a Debug build leaves the app's own code unoptimised by the JIT, and the suite spends most of its time in it.
dotnet build ItSchool.sln -c Release -warnaserror -nologo -v quiet
results="$(mktemp -d)"
status=0
dotnet test ItSchool.sln -c Release --no-build --nologo --logger "console;verbosity=normal" 2>&1 | tee "$results/output.txt" || status=$?

# CI shows only the end of the output: name every failed test there, with the start of its message.
awk '/^ +Failed [A-Za-z][A-Za-z0-9_.]*\.[A-Za-z0-9_]+/ { name = $0; lines = 0; print "FAILED:" substr(name, index(name, "Failed ") + 6); grab = 1; next }
     grab && /^ +(Passed|Skipped) / { grab = 0 }
     grab && lines < 6 && NF { print "    " $0; lines++ }' "$results/output.txt" | cut -c1-300

# A closing line any CI reads: "N passed, N failed".
awk '/^ +Passed: +[0-9]+$/ { passed += $2 } /^ +Failed: +[0-9]+$/ { failed += $2 }
     END { printf "%d passed, %d failed\n", passed, failed }' "$results/output.txt"
exit $status
