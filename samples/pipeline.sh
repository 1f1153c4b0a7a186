#!/usr/bin/env bash
# The whole pipeline on the bundled samples: validate → assign → render-forms → acceptance-report.
# Each step's exit code is shown: 1 means "findings" (the samples carry deliberate errors), which
# is expected; 2 (usage or input error) stops the demo.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-out}
mkdir -p "$out"
step() {
  local name=$1; shift
  echo "==> retiree-tools $name" >&2
  retiree-tools "$name" "$@"
  local rc=$?
  echo "    exit code $rc" >&2
  if [ "$rc" -ge 2 ]; then
    echo "pipeline stopped: $name failed with exit code $rc" >&2
    exit "$rc"
  fi
}
inputs=("$here/enterprise_a.xlsx" "$here/enterprise_b.csv")
step validate "${inputs[@]}" --annotate "$out/annotated" --format json > "$out/validate.json"
step assign "${inputs[@]}" --catalog "$here/catalog.csv" -o "$out/assigned.xlsx"
if retiree-tools render-forms --help >/dev/null 2>&1; then
  step render-forms "$out/assigned.xlsx" --out-dir "$out/forms" --date 2026-11-23
fi
if retiree-tools acceptance-report --help >/dev/null 2>&1; then
  step acceptance-report "$out/assigned.xlsx" --targets "$here/targets.csv" --roster "$here/roster.csv" \
    --as-of 2026-11-23 -o "$out/acceptance.xlsx" -o "$out/acceptance.html"
fi
echo "outputs in $out/" >&2
