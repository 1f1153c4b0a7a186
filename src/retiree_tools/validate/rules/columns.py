"""The columns of the sheet: required columns (``[required] columns`` and the document columns
a category needs) and columns that name a field twice."""

from __future__ import annotations

from retiree_tools.findings.model import Finding, column_letter, make_finding
from retiree_tools.policy.model import Policy
from retiree_tools.texts import tr
from retiree_tools.validate.layout import Layout

EMITS = ("missing-column", "duplicate-column", "column-guessed", "column-ignored")


def column_findings(layout: Layout, policy: Policy, lang: str) -> tuple[list[Finding], bool]:
    """Findings on the header: duplicate columns (warnings) and missing required columns;
    True when a required column is missing (the file's rows cannot be checked)."""
    out = [make_finding("duplicate-column", lang, row=layout.header_row, column=column_letter(col), header=header,
                        first=column_letter(first)) for col, header, first in layout.duplicates]
    for r in layout.recognised:
        if r.how in ("lexicon", "content") and r.field is not None:
            out.append(make_finding("column-guessed", lang, row=layout.header_row, column=column_letter(r.index),
                                    header=r.header or None, field=r.field, target=policy.fields[r.field].header,
                                    how=tr(f"validate.how.{r.how}", lang), confidence=round(r.confidence, 2)))
    ignored = [r for r in layout.recognised if r.field is None]
    if ignored:
        out.append(make_finding("column-ignored", lang, row=layout.header_row,
                                columns="、".join(f"{column_letter(r.index)}“{r.header}”" if r.header else column_letter(r.index)
                                                 for r in ignored),
                                letters=[column_letter(r.index) for r in ignored]))
    missing = [k for k in policy.required.columns if k not in layout.columns]
    out += [make_finding("missing-column", lang, header=policy.fields[k].header, field=k, row=layout.header_row)
            for k in missing]
    return out, bool(missing)


def missing_document_columns(em, docs: list[str]) -> None:
    """A document some person must hand in has no column (once per file and chunk)."""
    for doc in docs:
        em.findings.append(make_finding("missing-column", em.ctx.lang, header=em.policy.fields[doc].header, field=doc))
