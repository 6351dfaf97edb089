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

# The cluster under its faults (docs/resilience.md): two silos and two web nodes as processes, under load, a silo and a
# web node killed, PostgreSQL restarted; it fails unless nothing acknowledged was lost or doubled. Bounded: about a minute.
chaos=passed
if ! timeout 300 bench/ItSchool.Bench/bin/Release/net10.0/ItSchool.Bench chaos --seconds 40 --families 150 --watchers 30 \
    >"$results/chaos.txt" 2>"$results/chaos.log"; then
  chaos=failed
  status=1
fi
echo "Chaos (2 silos, 2 web nodes, kill -9, PostgreSQL restart, 40 s of load): $chaos"
grep -E '^(Checks|Nothing)' "$results/chaos.txt" || true

# CI shows only the end of the output: name every failed test there, with the start of its message.
awk '/^ +Failed [A-Za-z][A-Za-z0-9_.]*\.[A-Za-z0-9_]+/ { name = $0; lines = 0; print "FAILED:" substr(name, index(name, "Failed ") + 6); grab = 1; next }
     grab && /^ +(Passed|Skipped) / { grab = 0 }
     grab && lines < 6 && NF { print "    " $0; lines++ }' "$results/output.txt" | cut -c1-300
if [ "$chaos" = failed ]; then
  echo "FAILED: chaos (the cluster under its faults), the end of its report and of its log:"
  tail -n 15 "$results/chaos.txt" | cut -c1-300
  grep -v '^ ' "$results/chaos.log" | tail -n 10 | cut -c1-300
fi

# A closing line any CI reads: "N passed, N failed".
awk -v chaos="$chaos" '/^ +Passed: +[0-9]+$/ { passed += $2 } /^ +Failed: +[0-9]+$/ { failed += $2 }
     END { if (chaos == "passed") passed++; else failed++; printf "%d passed, %d failed\n", passed, failed }' "$results/output.txt"
exit $status
