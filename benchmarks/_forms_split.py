"""Where render-forms spends its time, per form kind, measured inside one real run.

    python -m benchmarks._forms_split ASSIGNED OUT_DIR

Runs ``retiree_tools.forms.render_forms`` (all five kinds, HTML + the summary XLSX) with timers
wrapped around its steps: reading the assigned file, grouping (build_plan), rendering each
template, writing each HTML file, and writing each summary workbook. Prints one JSON object.
The wrappers only observe; the code path is the one the CLI runs.
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict


def main(assigned: str, out_dir: str) -> dict:
    from retiree_tools.assign import reader as assigned_mod
    from retiree_tools.forms import render as forms
    from retiree_tools.forms import templates as forms_render

    spent: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)

    def timed(key_of, fn):
        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                key = key_of(*args, **kwargs)
                spent[key] += time.perf_counter() - t
                counts[key] += 1
        return wrapper

    forms_render.Renderer.render = timed(lambda self, kind, **_: f"render:{kind}", forms_render.Renderer.render)
    forms._Writer.write = timed(lambda self, rel, data, **meta: "xlsx:write" if meta.get("fmt") == "xlsx"
                                else f"write:{meta.get('kind', 'manifest')}", forms._Writer.write)
    forms.summary_xlsx_bytes = timed(lambda *a, **k: "xlsx:build", forms.summary_xlsx_bytes)
    forms.build_plan = timed(lambda *a, **k: "plan", forms.build_plan)
    assigned_mod.read_assigned = timed(lambda *a, **k: "read", assigned_mod.read_assigned)

    t0 = time.perf_counter()
    manifest = forms.render_forms([assigned], out_dir, None, None, "2026-11-23", False)
    total = time.perf_counter() - t0
    html_kinds = ("summary", "registration", "card", "agreement", "receipt")
    html = {k: spent[f"render:{k}"] + spent[f"write:{k}"] for k in html_kinds}
    people = manifest["people"]
    return {
        "total_s": total,
        "read_s": spent["read"],
        "plan_s": spent["plan"],
        "html_s": html,
        "html_total_s": sum(html.values()),
        "index_s": spent["render:index"] + spent["write:index"],
        "xlsx_s": spent["xlsx:build"] + spent["xlsx:write"],
        "xlsx_files": counts["xlsx:write"],
        "people": people,
        "files": len(manifest["files"]),
    }


if __name__ == "__main__":
    try:
        result = main(sys.argv[1], sys.argv[2])
    except Exception as exc:  # noqa: BLE001 - report, do not crash the suite
        result = {"error": f"{type(exc).__name__}: {exc}"}
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    sys.exit(0 if "error" not in result else 3)

