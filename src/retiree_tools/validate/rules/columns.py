"""The columns of the sheet: required columns (``[required] columns`` and the document columns
a category needs) and columns that name a field twice."""

from __future__ import annotations

from retiree_tools.findings.model import Finding, column_letter, make_finding
from retiree_tools.policy.model import Policy
from retiree_tools.validate.layout import Layout

EMITS = ("missing-column", "duplicate-column")


def column_findings(layout: Layout, policy: Policy, lang: str) -> tuple[list[Finding], bool]:
    """Findings on the header: duplicate columns (warnings) and missing required columns;
    True when a required column is missing (the file's rows cannot be checked)."""
    out = [make_finding("duplicate-column", lang, row=layout.header_row, column=column_letter(col), header=header,
                        first=column_letter(first)) for col, header, first in layout.duplicates]
    missing = [k for k in policy.required.columns if k not in layout.columns]
    out += [make_finding("missing-column", lang, header=policy.fields[k].header, field=k, row=layout.header_row)
            for k in missing]
    return out, bool(missing)


def missing_document_columns(em, docs: list[str]) -> None:
    """A document some person must hand in has no column (once per file and chunk)."""
    for doc in docs:
        em.findings.append(make_finding("missing-column", em.ctx.lang, header=em.policy.fields[doc].header, field=doc))
