#!/usr/bin/env bash
# Installs what the tests need besides Java and Maven, when it is missing (Debian/Ubuntu):
#   redis-server               tests start their own redis-server processes on free ports
#   chromium, chromedriver     browser tests drive a real headless Chromium
#   prometheus, promtool       a test starts its own Prometheus scraping /metrics, and lints the exposition
#   nginx                      tests and compare start their own nginx (no upgrades, buffering) on free ports
#   node                       fanfare.js's unit tests run under node's own test runner
# Safe to run repeatedly, without a terminal (CI=true, no stdin). Never leaves a system Redis running.
set -euo pipefail
# nginx lives in /usr/sbin, which a non-root PATH may lack.
export PATH="$PATH:/usr/sbin:/sbin"

# command -> Debian package
declare -A PACKAGE_OF=(
  [redis-server]=redis-server
  [chromium]=chromium
  [chromedriver]=chromium-driver
  [prometheus]=prometheus
  [promtool]=prometheus
  [nginx]=nginx
  [node]=nodejs
)

# An executable file on PATH (command -v alone also reports non-executable files).
have() { local path; path=$(command -v "$1" 2>/dev/null) && [ -f "$path" ] && [ -x "$path" ]; }

missing=()
for cmd in "${!PACKAGE_OF[@]}"; do
  have "$cmd" || missing+=("${PACKAGE_OF[$cmd]}")
done
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u | sed '/^$/d')
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    echo "ensure-test-deps: missing ${missing[*]}; run as root or install them: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-test-deps: missing ${missing[*]} and no apt-get here; install them by hand" >&2
  exit 1
fi

echo "ensure-test-deps: installing ${missing[*]}" >&2
# Keep package scripts from starting services (a system redis on :6379, nginx on :80) during the install.
policy=/usr/sbin/policy-rc.d
own_policy=false
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy" >/dev/null
  "${as_root[@]}" chmod 755 "$policy"
  own_policy=true
fi
remove_policy() { if $own_policy; then "${as_root[@]}" rm -f "$policy"; fi; }
trap remove_policy EXIT

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q </dev/null
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" </dev/null

# On a systemd machine a package enables its service for the next boot; tests never use it.
for service in redis-server prometheus nginx; do
  if [[ " ${missing[*]} " == *" $service "* ]] && [ -d /run/systemd/system ]; then
    "${as_root[@]}" systemctl disable --now "$service" >/dev/null 2>&1 || true
  fi
done

for cmd in "${!PACKAGE_OF[@]}"; do
  have "$cmd" || { echo "ensure-test-deps: $cmd still missing after install" >&2; exit 1; }
done
