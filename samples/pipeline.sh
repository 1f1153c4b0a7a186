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
# out/index.html: one page linking every output with a line on what it is (listed in the map below)
retiree-tools index "$out" -q || { echo "pipeline stopped: index failed" >&2; exit 2; }

# the map: what was written and where to look first (only paths that exist)
abs=$(cd "$out" && pwd)
paths=() labels=()
add() {  # add PATH LABEL: listed when PATH exists under the out-dir
  [ -e "$abs/$1" ] || return 0
  paths+=("$abs/$1"); labels+=("$2")
}
files=$(find "$abs/annotated" -maxdepth 1 -type f ! -name '.*' 2>/dev/null | wc -l | tr -d ' ')
add index.html "总目录 index：先打开这个 open this first"
add validate.json "校验报告 validation report（每条问题 every finding）"
add annotated/ "批注副本 annotated copies（${files} 个 files），发回企业修改 for the enterprise to fix"
add assigned.xlsx "分配结果 assigned file：每人的接收单位 each person's receiving unit"
add forms/index.html "移交表单目录 forms index（每区县一个文件夹 a folder per county）"
add acceptance.html "验收报告 acceptance report"
add acceptance.xlsx "验收报告表格 acceptance workbook"
width=0
for p in "${paths[@]}"; do [ "${#p}" -gt "$width" ] && width=${#p}; done
{
  echo
  echo "输出一览 outputs（写入 written to $abs/）"
  for i in "${!paths[@]}"; do
    printf '  %s%*s  %s\n' "${paths[$i]}" $((width - ${#paths[$i]})) "" "${labels[$i]}"
  done
} >&2
