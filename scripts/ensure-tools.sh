#!/usr/bin/env bash
# Install the real programs some tests drive, when missing and possible (root with apt-get):
#   - Debian's chromium and CJK fonts, for the browser tests (opt out: RETIREE_TOOLS_NO_BROWSER=1);
#     the fonts also when chromium is there without them (pages would print as boxes);
#   - LibreOffice Calc without a GUI (libreoffice-calc-nogui, no recommends), for the messy-workbook
#     conversions `soffice --headless --convert-to xlsx|xls|ods` (opt out: RETIREE_TOOLS_NO_LIBREOFFICE=1);
#   - Debian's PostgreSQL server, for the ledger tests on a real server (tests/support/postgres.py
#     starts a throwaway cluster in a temporary directory; opt out: RETIREE_TOOLS_NO_POSTGRES=1).
# Never fails the test run: whatever is still missing, the tests that need it skip with a visible
# reason. Prints one line per tool it cannot (or will not) install, and how long an install took.
set -u

have() { command -v "$1" >/dev/null 2>&1; }
say() { echo "ensure-tools: $*" >&2; }

want_browser=0
want_lo=0
want_fonts=0
cjk_fonts() { have fc-list && fc-list :lang=zh 2>/dev/null | grep -q .; }
if { have chromium || have chromium-browser; } && ! cjk_fonts && [ "${RETIREE_TOOLS_NO_BROWSER:-}" != "1" ]; then
  want_fonts=1  # chromium without Chinese fonts prints boxes: the print tests would check nothing
fi
if ! have chromium && ! have chromium-browser; then
  if [ "${RETIREE_TOOLS_NO_BROWSER:-}" = "1" ]; then
    say "RETIREE_TOOLS_NO_BROWSER=1, browser tests will be skipped"
  else
    want_browser=1
  fi
fi
if ! have soffice && ! have libreoffice; then
  if [ "${RETIREE_TOOLS_NO_LIBREOFFICE:-}" = "1" ]; then
    say "RETIREE_TOOLS_NO_LIBREOFFICE=1, LibreOffice conversions will be left out of the messy suite (test skipped)"
  else
    want_lo=1
  fi
fi
want_pg=0
have_initdb() { have initdb || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }
if ! have_initdb; then
  if [ "${RETIREE_TOOLS_NO_POSTGRES:-}" = "1" ]; then
    say "RETIREE_TOOLS_NO_POSTGRES=1, the PostgreSQL ledger tests will be skipped"
  else
    want_pg=1
  fi
fi
[ "$want_browser$want_lo$want_fonts$want_pg" = "0000" ] && exit 0

if [ "$(id -u)" != "0" ] || ! have apt-get; then
  [ "$want_browser" = 1 ] && say "chromium missing and cannot install (not root/apt); browser tests will be skipped"
  [ "$want_lo" = 1 ] && say "LibreOffice (soffice) missing and cannot install (not root/apt); LibreOffice conversion tests will be skipped"
  [ "$want_fonts" = 1 ] && say "no CJK fonts and cannot install fonts-noto-cjk (not root/apt); printed forms show boxes"
  [ "$want_pg" = 1 ] && say "PostgreSQL server missing and cannot install (not root/apt); PostgreSQL ledger tests will be skipped"
  exit 0
fi

# apt_install LABEL PACKAGE... : best effort, timed, quiet unless it fails
apt_install() {
  local label=$1 start log rc
  shift
  start=$(date +%s)
  log=$(mktemp)
  say "installing $label (apt-get install --no-install-recommends $*)..."
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >"$log" 2>&1
  rc=$?
  if [ "$rc" != 0 ]; then
    say "could not install $label (apt-get exit $rc): $(tail -n 1 "$log")"
  else
    say "installed $label in $(( $(date +%s) - start ))s"
  fi
  rm -f "$log"
  return 0
}

start=$(date +%s)
apt-get update -qq >/dev/null 2>&1 || say "apt-get update failed; trying the install with the existing package lists"
say "apt-get update took $(( $(date +%s) - start ))s"

if [ "$want_browser" = 1 ]; then
  apt_install "chromium and CJK fonts" chromium fonts-noto-cjk
  have chromium || have chromium-browser || say "chromium still missing; browser tests will be skipped"
fi
if [ "$want_fonts" = 1 ]; then
  apt_install "CJK fonts" fonts-noto-cjk
fi
if [ "$want_lo" = 1 ]; then
  apt_install "LibreOffice Calc" libreoffice-calc-nogui
  have soffice || have libreoffice \
    || say "LibreOffice (soffice) still missing; LibreOffice conversion tests will be skipped"
fi
if [ "$want_pg" = 1 ]; then
  apt_install "PostgreSQL server" postgresql
  have_initdb || say "PostgreSQL (initdb) still missing; PostgreSQL ledger tests will be skipped"
fi
exit 0
