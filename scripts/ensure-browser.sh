#!/usr/bin/env bash
# Install Debian's chromium and CJK fonts for the browser tests when missing and possible
# (root with apt-get). Never fails the test run: without a browser those tests skip with a
# visible reason.
set -u
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  exit 0
fi
if [ "${RETIREE_TOOLS_NO_BROWSER:-}" = "1" ]; then
  echo "ensure-browser: RETIREE_TOOLS_NO_BROWSER=1, browser tests will be skipped" >&2
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-browser: installing chromium and CJK fonts (apt-get)..." >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      chromium fonts-noto-cjk >/dev/null) \
    || echo "ensure-browser: could not install chromium; browser tests will be skipped" >&2
else
  echo "ensure-browser: chromium missing and cannot install (not root/apt); browser tests will be skipped" >&2
fi
exit 0
