"""The outputs index (``out/index.html``): one page saying what each output of the pipeline is,
with relative links to it and the counts that are cheap to read.

:func:`write_outputs_index` looks for the outputs under the names the pipeline gives them
(:data:`VALIDATE`, :data:`ANNOTATED`, :data:`ASSIGNED`, :data:`FORMS`, :data:`ACCEPTANCE`);
what is not there is left out. Counts come from ``validate.json``'s summary, the forms'
``manifest.json`` and the summary sheet of the acceptance workbook; a file that cannot be read
(or is over :data:`MAX_READ` bytes) just gets no counts. The page is written atomically,
owner-only, with Jinja2 autoescaping; the same directory gives the same bytes (no clock, no
absolute path, everything sorted).
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

from retiree_tools.texts import LANGS, Msg, tr

INDEX = "index.html"
VALIDATE = "validate.json"
ANNOTATED = "annotated"  # a directory of copies (several inputs) or one copy (one input)
ASSIGNED = ("assigned.xlsx", "assigned.csv")
FORMS = "forms"  # render-forms' --out-dir: index.html, manifest.json, one folder per county
ACCEPTANCE = ("acceptance.html", "acceptance.htm", "acceptance.xlsx")
ANNOTATED_SUFFIX = ".annotated.xlsx"
MAX_READ = 32 * 1024 * 1024
_SUMMARY_ROWS = 200  # the acceptance summary sheet is read this far at most


def write_outputs_index(out_dir: Path, lang: str) -> Path:
    """Scan ``out_dir`` for the pipeline's outputs and write ``out_dir/index.html`` (atomically,
    0600), the reader's language ``lang`` (``zh`` or ``en``) first and the other beside it.
    Returns the path written. Raises ValueError for an unknown ``lang``; InputError (usage)
    when ``out_dir`` is not a directory or holds an ``index.html`` this tool did not write
    (a page of the office's own is never replaced)."""
    from retiree_tools.findings.errors import InputError
    from retiree_tools.io.safe import write_text_atomic

    out_dir = Path(out_dir)
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    if not out_dir.is_dir():
        raise InputError("usage", reason="error.index_not_dir", path=str(out_dir))
    target = out_dir / INDEX
    if target.exists() and not _ours(target):
        raise InputError("usage", reason="error.index_not_ours", path=str(target))
    write_text_atomic(target, render_outputs_index(out_dir, lang))
    return target


def render_outputs_index(out_dir: Path, lang: str) -> str:
    """The HTML of the outputs index of ``out_dir`` (nothing written)."""
    import jinja2

    from retiree_tools.forms.templates import packaged_templates

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(packaged_templates())), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, auto_reload=False)
    validate = _read_json(out_dir / VALIDATE) or {}  # each file read once
    manifest = _manifest(out_dir) or {}
    items = [i for i in (_validate(out_dir, lang, validate), _annotated(out_dir, lang, validate),
                         _assigned(out_dir, lang, manifest), _forms(out_dir, lang, manifest),
                         _acceptance(out_dir, lang)) if i is not None]
    page = {"lang": "zh-CN" if lang == "zh" else "en", "title": _pair("outputs.title", lang),
            "intro": _pair("outputs.intro", lang), "start": _pair("outputs.start", lang),
            "none": _pair("outputs.none", lang)}
    return env.get_template("outputs.html.j2").render(page=page, items=items)


# ---------------------------------------------------------------------------------------------
# the outputs
# ---------------------------------------------------------------------------------------------

def _validate(out: Path, lang: str, validate: dict[str, Any]) -> dict[str, Any] | None:
    if not (out / VALIDATE).is_file():
        return None
    summary = _ints(validate.get("summary"),
                    ("files", "people", "errors", "warnings", "infos", "people_with_errors"))
    counts = _pair("outputs.validate.counts", lang, **summary) if summary else None
    return _item("validate", lang, [_link(VALIDATE)], counts)


def _annotated(out: Path, lang: str, validate: dict[str, Any]) -> dict[str, Any] | None:
    path = out / ANNOTATED
    reports = _file_reports(validate)
    if path.is_file():  # one input: the copy itself
        sole = next(iter(reports.values())) if len(reports) == 1 else None
        return _item("annotated", lang, [_link(ANNOTATED)], _annotated_counts(sole, lang))
    if not path.is_dir():
        return None
    children = []
    for f in _entries(path):
        if not f.is_file():
            continue
        stem = f.name[:-len(ANNOTATED_SUFFIX)] if f.name.endswith(ANNOTATED_SUFFIX) else None
        children.append({"links": [_link(ANNOTATED, f.name)], "note": _annotated_counts(reports.get(stem), lang)})
    return _item("annotated", lang, [_link(ANNOTATED, folder=True)], None, children)


def _assigned(out: Path, lang: str, manifest: dict[str, Any]) -> dict[str, Any] | None:
    links = [_link(name) for name in ASSIGNED if (out / name).is_file()]
    if not links:
        return None
    people = _ints(manifest.get("people"), ("assigned", "excluded", "review", "rejected", "total"))
    return _item("assigned", lang, links, _pair("outputs.assigned.counts", lang, **people) if people else None)


def _forms(out: Path, lang: str, manifest: dict[str, Any]) -> dict[str, Any] | None:
    from retiree_tools.forms.render import county_anchor

    forms = out / FORMS
    if not forms.is_dir():
        return None
    has_index = (forms / INDEX).is_file()
    listed = manifest.get("files")
    files = [e for e in (listed if isinstance(listed, list) else [])
             if isinstance(e, dict) and isinstance(e.get("path"), str)]
    codes: dict[str, str] = {}
    packets: dict[str, int] = {}  # a packet's folder → its people (every form of it has the same)
    for e in files:
        folder = e["path"].split("/", 1)[0]
        if isinstance(e.get("county_code"), str):
            codes.setdefault(folder, e["county_code"])
        if e.get("kind") not in ("receipt", "index") and isinstance(e.get("people"), int) and "/" in e["path"]:
            packets[e["path"].rsplit("/", 1)[0]] = e["people"]
    people: dict[str, int] = {}
    for packet, n in packets.items():
        folder = packet.split("/", 1)[0]
        people[folder] = people.get(folder, 0) + n
    children = []
    for d in _entries(forms):
        if not d.is_dir():
            continue
        links = [_link(FORMS, d.name, folder=True)]
        code = codes.get(d.name)
        if has_index and code is not None:
            links.append(_link(FORMS, INDEX, fragment=county_anchor(code), text=_pair("outputs.forms.section", lang)))
        if code == "":
            note = _pair("outputs.forms.unplaced", lang)
        elif code is not None:
            note = _pair("outputs.forms.county", lang, people=people.get(d.name, 0))
        else:
            note = None
        children.append({"links": links, "note": note, "county": bool(code)})
    assigned = _ints(manifest.get("people"), ("assigned",))
    counts = None
    if assigned and files:
        counties = sum(c["county"] for c in children)
        counts = _pair("outputs.forms.counts", lang, counties=counties, files=len(files), **assigned)
    links = [_link(FORMS, INDEX, text=_pair("outputs.forms.index", lang))] if has_index else []
    return _item("forms", lang, [*links, _link(FORMS, folder=True)], counts, children)


def _acceptance(out: Path, lang: str) -> dict[str, Any] | None:
    links = [_link(name) for name in ACCEPTANCE if (out / name).is_file()]
    if not links:
        return None
    counts = None
    xlsx = out / "acceptance.xlsx"
    summary = _acceptance_summary(xlsx) if xlsx.is_file() else None
    if summary:
        met = summary.pop("met")
        if met is None:
            counts = _pair("outputs.acceptance.counts", lang, **summary)
        else:
            verdict = Msg("outputs.acceptance.ok" if met else "outputs.acceptance.fail")
            counts = _pair("outputs.acceptance.counts_verdict", lang, verdict=verdict, **summary)
    return _item("acceptance", lang, links, counts)


# ---------------------------------------------------------------------------------------------
# reading counts (any failure: no counts)
# ---------------------------------------------------------------------------------------------

_MARK = b'<meta name="generator" content="retiree-tools outputs-index">'


def _ours(page: Path) -> bool:
    """Whether ``page`` is an outputs index this tool wrote (its generator mark near the top)."""
    try:
        with page.open("rb") as fh:
            return _MARK in fh.read(4096)
    except OSError:
        return False


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        if path.stat().st_size > MAX_READ:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _manifest(out: Path) -> dict[str, Any] | None:
    from retiree_tools.forms.render import GENERATOR

    data = _read_json(out / FORMS / "manifest.json")
    return data if data and data.get("generator") == GENERATOR else None


def _ints(d: object, keys: tuple[str, ...]) -> dict[str, int] | None:
    if not isinstance(d, dict):
        return None
    values = {k: d.get(k) for k in keys}
    ok = all(isinstance(v, int) and not isinstance(v, bool) for v in values.values())
    return values if ok else None  # type: ignore[return-value]


def _file_reports(validate: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """validate.json's files by input stem (the annotated copy of ``a.xlsx`` is
    ``a.annotated.xlsx``): errors and warnings summed over the file's sheets, its enterprises.
    A stem two inputs share is left out (it could be either)."""
    files = validate.get("files")
    by_stem: dict[str, dict[str, Any]] = {}
    paths: dict[str, set[str]] = {}
    for f in files if isinstance(files, list) else []:
        if not isinstance(f, dict) or not isinstance(f.get("path"), str):
            continue
        counts = _ints(f.get("summary"), ("errors", "warnings"))
        if counts is None:
            continue
        stem = PurePath(f["path"].replace("\\", "/")).stem
        paths.setdefault(stem, set()).add(f["path"])
        r = by_stem.setdefault(stem, {"errors": 0, "warnings": 0, "enterprises": []})
        r["errors"] += counts["errors"]
        r["warnings"] += counts["warnings"]
        name = f.get("enterprise")
        if isinstance(name, str) and name.strip() and name not in r["enterprises"]:
            r["enterprises"].append(name)
    return {s: r for s, r in by_stem.items() if len(paths[s]) == 1}


def _annotated_counts(report: dict[str, Any] | None, lang: str) -> dict[str, str] | None:
    if report is None:
        return None
    enterprise = _shown("、".join(report["enterprises"])) or "—"
    return _pair("outputs.annotated.file", lang, enterprise=enterprise, errors=report["errors"],
                 warnings=report["warnings"])


def _acceptance_summary(path: Path) -> dict[str, Any] | None:
    """listed, assigned, rate, as_of and met from the workbook's first sheet (label, value,
    field: ``acceptance.output``'s summary sheet)."""
    import openpyxl

    from retiree_tools.acceptance.model import rate_text
    from retiree_tools.io.containers import check_zip

    try:
        if path.stat().st_size > MAX_READ:
            return None
        check_zip(path)
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            fields: dict[str, object] = {}
            for row in wb.worksheets[0].iter_rows(max_row=_SUMMARY_ROWS, max_col=3, values_only=True):
                if len(row) == 3 and isinstance(row[2], str):
                    fields.setdefault(row[2], row[1])
        finally:
            wb.close()
    except Exception:  # noqa: BLE001 - counts are a courtesy: an unreadable workbook has none
        return None
    counts = _ints(fields, ("listed", "assigned"))
    rate = fields.get("rate")
    if counts is None or not isinstance(rate, int | float) or isinstance(rate, bool):
        return None
    met = fields.get("met")
    ok = {tr("acceptance.verdict_ok", g) for g in LANGS}
    fail = {tr("acceptance.verdict_fail", g) for g in LANGS}
    return {**counts, "rate": rate_text(float(rate)), "as_of": _shown(str(fields.get("as_of") or "—")),
            "met": True if met in ok else False if met in fail else None}


# ---------------------------------------------------------------------------------------------
# page pieces
# ---------------------------------------------------------------------------------------------

def _pair(key: str, lang: str, **params: object) -> dict[str, str]:
    """A text in the reader's language and, beside it, in the other one."""
    other = "en" if lang == "zh" else "zh"
    return {"first": tr(key, lang, **params), "beside": tr(key, other, **params),
            "lang": "zh-CN" if lang == "zh" else "en", "beside_lang": "zh-CN" if other == "zh" else "en"}


def _item(key: str, lang: str, links: list[dict[str, Any]], counts: dict[str, str] | None,
          children: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"key": key, "name": _pair(f"outputs.{key}", lang), "what": _pair(f"outputs.{key}.what", lang),
            "links": links, "counts": counts, "children": children or []}


def _link(*parts: str, folder: bool = False, fragment: str = "", text: dict[str, str] | None = None) -> dict[str, Any]:
    """A relative link to ``parts`` under the out-dir: each part percent-encoded (a name may hold
    ``# ? %`` or quotes), the shown name stripped of control and invisible characters."""
    href = "/".join(quote(p, safe="") for p in parts) + ("/" if folder else "")
    if fragment:
        href += "#" + quote(fragment, safe="")
    return {"href": href, "name": _shown("/".join(parts)) + ("/" if folder else ""), "text": text}


def _shown(name: str) -> str:
    return "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf"))


def _entries(d: Path) -> list[Path]:
    """The visible entries of ``d`` by name (temporary and hidden files start with a dot)."""
    try:
        return sorted((p for p in d.iterdir() if not p.name.startswith(".")), key=lambda p: p.name)
    except OSError:
        return []


__all__ = ["write_outputs_index", "render_outputs_index"]
