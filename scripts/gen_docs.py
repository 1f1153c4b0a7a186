"""Generate the docs that come from code: the findings catalogue, the CLI reference and the
policy reference tables. `python scripts/gen_docs.py` writes them; tests/test_docs.py checks
that the committed files are current."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- BEGIN GENERATED -->", "<!-- END GENERATED -->"


def findings_md() -> str:
    from retiree_tools.findings.codes import CODES, homes, message_template, title

    home = homes()
    out = ["# Finding codes", "",
           "Generated from `src/retiree_tools/findings/codes.py`, the text catalogue (`src/retiree_tools/texts/`) and",
           "the rule modules' `EMITS` by `scripts/gen_docs.py`; do not edit by hand. Severity is the default; a few",
           "checks lower it (a recommended field left blank is a `missing-value` warning). **Rule** is the module that",
           "holds the rule: change the rule there (see docs/architecture.md). Exit 2 means the input could not be",
           "read at all. Placeholders in the messages are the finding's `params` in the JSON (plus `header` and",
           "`value`). Tests assert codes, never wording.", "",
           "| code | severity | exit 2 | rule | 中文 | English | message (zh) | message (en) |",
           "|---|---|---|---|---|---|---|---|"]
    for code, c in CODES.items():
        where = ", ".join(f"`{m.removeprefix('retiree_tools.')}`" for m in home.get(code, []))
        out.append(f"| `{code}` | {c.severity} | {'yes' if c.fatal else ''} | {where} | {title(code, 'zh')} | "
                   f"{title(code, 'en')} | {_cell(message_template(code, 'zh'))} | {_cell(message_template(code, 'en'))} |")
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


CONTRACT = """## The exit contract

Every command, every run:

| exit | meaning | stdout with `--format json` |
|---|---|---|
| 0 | clean: no errors, everyone assigned or excluded, every target met or on track, forms written | the command's document |
| 1 | findings: errors (warnings with `--strict`), people in review or rejected, a target missed or a reconciliation break | the command's document |
| 2 | usage or input error: a bad option or argument, an unreadable/hostile/broken file, a bad policy, catalogue or targets file, an output that would overwrite an input | `{"error": {…}}` (see below) |
| 130 / 141 | interrupted (Ctrl-C) / the reader of stdout went away (`… \\| head`) | nothing more |

Under `--format json` stdout carries exactly one JSON document, UTF-8, and nothing else; the
human output (tables, progress, the one-line error) goes to stderr. The command's documents:
`validate` → `{"files": […], "summary": {…}, "skipped": […]}` (docs/validate.md),
`assign` → `{"people": […], "summary": {…}, "files": […], "skipped": […]}` (docs/assign.md),
`render-forms` → the manifest (docs/forms.md), `acceptance-report` → the report
(docs/acceptance.md), `template` → `{"written": path, "rows": n}`. On exit 2 the document is:

```json
{"error": {"code": "targets-invalid", "message": "targets.csv: …", "path": "targets.csv",
           "reason": "error.targets_no_header", "params": {}}}
```

`code` is a finding code of docs/findings.md (`usage` for a bad command line, `file-unreadable`,
`policy-invalid`, `catalog-invalid`, `targets-invalid`, `output-is-input`, …, or
`out-of-memory` / `internal-error`); `message` is the same sentence as the stderr line, in the
`--lang` language; `reason` is the text key of the message and `params` its values, for a
script that wants its own wording. When `validate` or `assign` could not read one of several
files, the `error` object sits beside the report of the files it did read.
"""


def cli_md() -> str:
    from typer.testing import CliRunner

    from retiree_tools.cli.app import app

    os.environ["COLUMNS"] = "100"
    os.environ["TERM"] = "dumb"
    runner = CliRunner()
    out = ["# CLI reference", "", "Generated from `--help` by `scripts/gen_docs.py`; do not edit by hand.", "",
           *CONTRACT.splitlines(), ""]
    top = runner.invoke(app, ["--help"], env={"COLUMNS": "100", "NO_COLOR": "1"})
    out += ["## retiree-tools", "", "```text", top.output.rstrip(), "```", ""]
    names = re.findall(r"^\s{2}([a-z][a-z-]+)\s", top.output.split("Commands:")[1], re.M)
    for name in names:
        res = runner.invoke(app, [name, "--help"], env={"COLUMNS": "100", "NO_COLOR": "1"})
        out += [f"## retiree-tools {name}", "", "```text", res.output.rstrip(), "```", ""]
        if "Commands:" in res.output:  # a group (ledger): its commands too
            for sub in re.findall(r"^\s{2}([a-z][a-z-]+)\s", res.output.split("Commands:")[1], re.M):
                r2 = runner.invoke(app, [name, sub, "--help"], env={"COLUMNS": "100", "NO_COLOR": "1"})
                out += [f"### retiree-tools {name} {sub}", "", "```text", r2.output.rstrip(), "```", ""]
    return "\n".join(out)


def policy_tables() -> str:
    from retiree_tools.policy import load_policy

    p = load_policy()
    out = ["### Fields", "", "| key | header | kind | personal data | aliases |", "|---|---|---|---|---|"]
    for key, f in p.fields.items():
        out.append(f"| `{key}` | {f.header} | {f.kind} | {f.pii or ''} | {'、'.join(f.aliases)} |")
    out += ["", "### Person categories", "", "| category | handed over | personnel file moves | required documents | aliases |",
            "|---|---|---|---|---|"]
    for name, c in p.categories.items():
        docs = ", ".join(f"`{d}`" for d in c.documents) or "—"
        out.append(f"| {name} | {'yes' if c.handed_over else 'no'} | {'yes' if c.file_transfer and c.handed_over else 'no'} | {docs} | {'、'.join(c.aliases)} |")
    return "\n".join(out) + "\n"


def spliced(path: Path, generated: str) -> str:
    text = path.read_text(encoding="utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[:start] + "\n" + generated + text[end:]


def outputs() -> dict[Path, str]:
    return {
        ROOT / "docs" / "findings.md": findings_md(),
        ROOT / "docs" / "cli.md": cli_md(),
        ROOT / "docs" / "policy.md": spliced(ROOT / "docs" / "policy.md", policy_tables()),
    }


if __name__ == "__main__":
    for path, text in outputs().items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)
