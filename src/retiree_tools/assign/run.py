"""assign's entry points: :func:`assign_paths` (what ``retiree-tools assign`` does: validate,
decide, write the assigned file in one transaction, say who needs attention and the exit code)
and :func:`iter_assigned` (the assigned frames chunk by chunk, for callers that stream)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from retiree_tools.assign.catalog import Catalog, load_catalog
from retiree_tools.assign.contract import PERSON_JSON_KEYS, STATUSES
from retiree_tools.assign.decide import Assigner
from retiree_tools.assign.frame import assign_frame
from retiree_tools.domain.mask import mask_id
from retiree_tools.findings.codes import FATAL_CODES
from retiree_tools.findings.model import FileReport
from retiree_tools.policy.model import Policy
from retiree_tools.validate.run import Options, iter_people, with_columns

UNREAD_CODES = frozenset({"header-not-found", "missing-column"})  # a file whose people could not be read


@dataclass
class AssignResult:
    files: list[FileReport] = field(default_factory=list)
    by_status: Counter = field(default_factory=Counter)
    by_county: Counter = field(default_factory=Counter)
    by_unit: Counter = field(default_factory=Counter)
    catalog: Catalog | None = None
    people: list[dict] = field(default_factory=list)  # every person's JSON entry (when asked for)
    attention: list[dict] = field(default_factory=list)  # the first people in review or rejected
    written: Path | None = None  # the assigned file, once it is in place
    skipped: list[dict] = field(default_factory=list)  # files of a directory not read (io/paths.py)

    def add(self, out: pd.DataFrame) -> None:
        self.by_status.update(out["status"].tolist())
        assigned = out[out["status"] == "assigned"]
        self.by_county.update(assigned["county_code"].tolist())
        self.by_unit.update(assigned["unit_code"].tolist())

    def summary(self) -> dict:
        return {
            "by_status": {s: self.by_status.get(s, 0) for s in STATUSES},
            "by_county": dict(sorted(self.by_county.items())),
            "by_unit": dict(sorted(self.by_unit.items())),
        }

    def all_settled(self) -> bool:
        return self.by_status.get("review", 0) == 0 and self.by_status.get("rejected", 0) == 0

    def fatal(self) -> list[tuple[FileReport, object]]:
        """The files that could not be read at all, with the finding that says why."""
        return [(fr, f) for fr in self.files for f in fr.findings if f.code in FATAL_CODES]

    @property
    def exit_code(self) -> int:
        """2 when a file could not be read; 1 when someone is in review or rejected, or a
        file's people could not be read (no header, a required column missing); else 0."""
        if self.fatal():
            return 2
        unread = any(f.code in UNREAD_CODES for fr in self.files for f in fr.findings)
        return 0 if self.all_settled() and not unread else 1

    def attention_entries(self, show_pii: bool = False) -> list[dict]:
        """The people in review or rejected kept for the terminal (ID numbers masked unless
        ``show_pii``)."""
        return self.attention if show_pii else [_masked(p) for p in self.attention]

    def to_dict(self, show_pii: bool = False) -> dict:
        """The JSON document of ``assign --format json`` (ID numbers masked unless ``show_pii``)."""
        people = self.people if show_pii else [_masked(p) for p in self.people]
        return {"people": people, "summary": self.summary(), "files": [_file_json(fr) for fr in self.files],
                "skipped": self.skipped}


def _masked(p: dict) -> dict:
    return {**p, "id_number": mask_id(p["id_number"])} if p.get("id_number") else p


def _file_json(fr: FileReport) -> dict:
    d = fr.to_dict()
    return {"path": d["path"], "sheet": d["sheet"], "enterprise": d["enterprise"], "credit_code": d["credit_code"],
            "columns": d["columns"], "summary": d["summary"],
            "file_errors": [f for f in d["findings"] if f["row"] is None and f["severity"] == "error"]}


def iter_assigned(paths: Iterable[str | Path], catalog: Catalog, policy: Policy, opts: Options | None = None,
                  result: AssignResult | None = None, objects: bool = True) -> Iterator[pd.DataFrame]:
    """Validate and assign chunk by chunk; yield assigned-file frames in input order.
    ``objects=False`` leaves the text columns validate did not change Arrow-backed (missing
    is ``pd.NA`` there, not None): cheaper when the frames only go to an AssignedWriter."""
    for _report, out in iter_assigned_reports(paths, catalog, policy, opts, result, objects):
        yield out


def iter_assigned_reports(paths: Iterable[str | Path], catalog: Catalog, policy: Policy, opts: Options | None = None,
                          result: AssignResult | None = None,
                          objects: bool = True) -> Iterator[tuple[FileReport, pd.DataFrame]]:
    """:func:`iter_assigned` with the file report (one per file and sheet, the same object for
    every chunk of that sheet) beside each frame: what the ledger records per submission."""
    opts = opts or Options()
    assigner = Assigner(catalog, policy, opts.lang)
    result = result if result is not None else AssignResult()
    done: dict[int, int] = {}  # id(report) → findings already consumed
    for report, frame in iter_people(paths, policy, opts, on_file=result.files.append, objects=objects):
        start = done.get(id(report), 0)
        new = report.findings[start:]
        done[id(report)] = len(report.findings)
        errs: dict[int, list[str]] = {}
        for f in new:
            if f.row is not None and f.severity == "error":
                errs.setdefault(f.row, []).append(f.code)
        out = assign_frame(assigner, frame, errs)
        result.add(out)
        yield report, out


def assign_paths(paths: Iterable[str | Path], catalog: Catalog | str | Path, policy: Policy | str | Path | None = None,
                 options: Options | None = None, *, output: str | Path | None = None, people: bool = False,
                 attention: int = 30, attention_status: tuple[str, ...] = ("review", "rejected")) -> AssignResult:
    """Validate and assign every workbook (directories expanded to their workbooks, as
    validate does: what was skipped is in ``AssignResult.skipped``) against ``catalog`` (a loaded
    catalogue or its file); write the assigned file to ``output`` (.xlsx or .csv), which
    appears only when every input was read (atomically: an earlier file stays otherwise).
    ``people`` keeps every person's JSON entry; ``attention`` the first so many whose status is
    in ``attention_status`` (in review or rejected). Raises InputError for usage errors, a broken catalogue or policy, and an output
    that would overwrite an input — all before any work."""
    from retiree_tools.findings.errors import InputError
    from retiree_tools.io.paths import nothing_to_read, scan_paths
    from retiree_tools.io.safe import output_failed, refuse_directory, refuse_inputs
    from retiree_tools.policy import Policy as _Policy
    from retiree_tools.policy import load_policy

    given = list(paths)
    found = scan_paths(given)
    files = found.files
    if not files:
        raise nothing_to_read(found.skipped)
    opts = options or Options()
    if output is not None:
        from retiree_tools.assign.writer import check_suffix

        check_suffix(Path(output))
        refuse_directory(output)
        refuse_inputs([output], [*given, *files, *([] if isinstance(catalog, Catalog) else [catalog])])
    pol = policy if isinstance(policy, _Policy) else load_policy(policy)
    opts = with_columns(opts, pol)
    cat = catalog if isinstance(catalog, Catalog) else load_catalog(catalog, opts.lang)
    cat.automaton()  # built while a prefetched workbook is still being parsed
    result = AssignResult(catalog=cat, skipped=[s.to_dict(opts.lang) for s in found.skipped])
    writer = None
    if output is not None:
        from retiree_tools.assign.writer import AssignedWriter

        writer = AssignedWriter(output, opts.lang)
    try:
        for out in iter_assigned(files, cat, pol, opts, result, objects=False):
            if writer is not None:
                writer.write(out)
            if people:
                result.people.extend(person_json(out))
            if len(result.attention) < attention:
                todo = out[out["status"].isin(attention_status)].head(attention - len(result.attention))
                result.attention.extend(person_json(todo))
    except BaseException as exc:
        if writer is not None:
            writer.abort(exc)
        if isinstance(exc, OSError) and writer is not None:  # the disk filled, the directory went read-only …
            raise output_failed(output, exc) from None
        raise
    if writer is not None:
        if result.fatal():  # an input could not be read: no assigned file that lacks its people
            writer.abort(InputError("file-unreadable"))
        else:
            try:
                result.written = writer.close()
            except OSError as exc:
                raise output_failed(output, exc) from None
    return result


def person_json(out: pd.DataFrame) -> list[dict]:
    """The JSON `people` entries of an assigned frame."""
    cols = list(PERSON_JSON_KEYS)
    recs = []
    for r in out[cols].itertuples(index=False):
        d = dict(zip(cols, r, strict=True))
        d["row"] = int(d["row"])
        d["flags"] = [x for x in (d["flags"] or "").split(";") if x]
        d["findings"] = [x for x in (d["findings"] or "").split(";") if x]  # the error codes behind a rejection
        d["file_transfer"] = bool(d["file_transfer"])
        recs.append({k: (None if v is pd.NA or isinstance(v, float) and v != v else v) for k, v in d.items()})
    return recs
