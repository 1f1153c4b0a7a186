"""Shared pieces of the row rules: call and file state, the finding emitter, column helpers.

A rule is a function over whole columns of one chunk that calls :meth:`Emitter.emit` with
the row positions that break it; its module names the codes it emits in ``EMITS`` (see
:mod:`retiree_tools.validate.rules`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from retiree_tools.domain.numbers import matches_mask  # noqa: F401 - for the rules
from retiree_tools.domain.text import normalise_arrow, text_arrow
from retiree_tools.findings.model import Finding, column_letter, finding_builder
from retiree_tools.policy.model import Policy
from retiree_tools.validate.layout import Layout


@dataclass
class CallState:
    """What one call remembers across chunks and files: where each ID was first seen (the
    file's label by its index in ``seen_labels``, and the row, packed into one int)."""

    seen_ids: dict[str, int] = field(default_factory=dict)  # ID → label index << 32 | row
    seen_labels: list[str] = field(default_factory=list)
    today: date = field(default_factory=date.today)


@dataclass
class FileContext:
    path: str
    label: str  # file name shown in duplicate messages
    layout: Layout
    enterprise: str | None
    credit_code: str | None
    lang: str = "zh"
    group: tuple[int, str] | None = None  # the last group row naming a category: (its row, the category)
    numeric_ids_noted: bool = False  # id-column-numeric said once per file


class Emitter:
    def __init__(self, ctx: FileContext, policy: Policy, rows: np.ndarray, findings: list[Finding]):
        self.ctx, self.policy, self.rows, self.findings = ctx, policy, rows, findings
        self.error_rows: set[int] = set()

    def emit(self, code: str, field_key: str | None, positions, values=None, *, severity=None, **params) -> None:
        """One finding of ``code`` per row position in ``positions`` (into the chunk), in the
        column of ``field_key``, with ``values`` (one per position) and ``params``: a list,
        array or Series gives one value per position, anything else is the same for all."""
        positions = np.asarray(positions).tolist()
        if not positions:
            return
        col = self.ctx.layout.columns.get(field_key) if field_key else None
        header = self.ctx.layout.headers.get(col) if col is not None else (self.policy.fields[field_key].header if field_key else None)
        pii = self.policy.fields[field_key].pii if field_key in self.policy.fields else None
        letter = column_letter(col) if col is not None else None
        # per-finding parameters (one value per position) and fixed ones, told apart once
        varying = {name: (v.tolist() if isinstance(v, pd.Series | np.ndarray) else v)
                   for name, v in params.items() if isinstance(v, list | np.ndarray | pd.Series)}
        fixed = {name: v for name, v in params.items() if name not in varying}
        if values is not None and not isinstance(values, list):
            values = values.tolist() if isinstance(values, np.ndarray | pd.Series) else list(values)
        build = finding_builder(code, self.ctx.lang, severity=severity, column=letter, header=header, field=field_key, pii=pii)
        rows = self.rows
        for k, pos in enumerate(positions):
            per = {**fixed, **{name: v[k] for name, v in varying.items()}} if varying else fixed
            f = build(int(rows[pos]), values[k] if values is not None else None, per)
            self.findings.append(f)
            if f.severity == "error":
                self.error_rows.add(pos)


def map_codes(s: pd.Series, fn, missing=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``fn`` applied once per distinct non-blank value (columns repeat values a lot).
    Returns (values, present, hit): an object array of the mapped values (``missing`` where
    the text is blank or ``fn`` gave None), whether each text is non-blank, and whether it
    mapped to something. The masks come from the dictionary, not from a pass over objects."""
    values, present, hit, _ = map_interpreted(s, lambda v: (fn(v), "exact"), missing)
    return values, present, hit


def map_interpreted(s: pd.Series, fn, missing=None):
    """``fn(text) -> (value, how)`` applied once per distinct non-blank value. Returns (values,
    present, hit) as :func:`map_codes` describes them, and, for each distinct text that was
    interpreted (``how`` not ``exact``), (position of its first row, text, value)."""
    import pyarrow.compute as pc

    enc = pc.dictionary_encode(arrow_of(s))
    idx = pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False)
    texts = enc.dictionary.to_pylist()
    results = [fn(u) for u in texts]
    mapped = [r[0] for r in results]
    hit_u = np.array([m is not None for m in mapped] + [False], dtype=bool)
    values_u = np.empty(len(mapped) + 1, dtype=object)
    values_u[:] = [missing if m is None else m for m in mapped] + [missing]
    unusual = [k for k, (value, how) in enumerate(results) if value is not None and how != "exact"]
    firsts = []
    if unusual:
        order = np.argsort(idx, kind="stable")
        starts = np.searchsorted(idx[order], unusual)
        firsts = [(int(order[st]), texts[k], mapped[k]) for k, st in zip(unusual, starts, strict=True)]
    return values_u[idx], idx >= 0, hit_u[idx], sorted(firsts)


def map_unique(s: pd.Series, fn) -> pd.Series:
    """``fn`` applied once per distinct non-blank value; blanks (and None results) stay None.
    Returns an object Series aligned with ``s``."""
    values, _, _ = map_codes(s, fn)
    return pd.Series(values, index=s.index, dtype=object)


def normalise_text(raw: pd.Series) -> pd.Series:
    """Fold width and spaces of each non-blank text (vectorised over Arrow); blanks → missing.
    A leading apostrophe before a digit is the mark a text-forced cell carries into a CSV
    export (``'321002…``), not part of the value: it is dropped."""
    import pyarrow.compute as pc

    arr = normalise_arrow(text_arrow(raw))
    if pc.any(pc.starts_with(arr, "'")).as_py():
        arr = pc.replace_substring_regex(arr, r"^'(\d)", r"\1")
    return pd.Series(pd.arrays.ArrowExtensionArray(arr), index=raw.index)


def as_objects(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns with None for missing (pandas 3 infers ``str`` columns holding NaN).
    Arrow-backed text columns are converted by Arrow (None for null, no pass over objects)."""
    import pyarrow as pa

    cols = {}
    for name, s in frame.items():
        if isinstance(s.dtype, pd.ArrowDtype) and (pa.types.is_string(s.dtype.pyarrow_dtype)
                                                   or pa.types.is_large_string(s.dtype.pyarrow_dtype)):
            values = pa.array(s.array).to_numpy(zero_copy_only=False)  # one object array, None for null
        else:
            values = s.to_numpy(dtype=object)
            missing = pd.isna(values)
            if missing.any():
                values = values.copy()
                values[missing] = None
        cols[name] = values
    return pd.DataFrame(cols, index=frame.index, dtype=object)


def arrow_of(s: pd.Series):
    """The Arrow string array behind a text column (built once if the column is objects;
    non-text values are null)."""
    return text_arrow(s, stringify=False)
