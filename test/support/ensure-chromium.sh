#!/usr/bin/env bash
# npm test's pretest: the dashboard's browser test drives Debian's Chromium (never a browser that a
# test tool downloads), so install the distribution package when it is missing. As root directly,
# otherwise through passwordless sudo; if neither works, say so and let the browser test fail loudly.
set -uo pipefail
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "chromium is missing and cannot be installed without root: apt-get install chromium" >&2
  exit 0
fi
echo "installing Debian's chromium for the dashboard's browser test" >&2
$SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
