"""The finding codes: each code's default severity and whether it means an input could not be
read at all. Titles and messages are in the text catalogue (:mod:`retiree_tools.texts`, keys
``finding.<code>.title`` and ``finding.<code>``); the module that emits a code names it in its
``EMITS`` (its home, see docs/architecture.md). An unknown code is a bug: every lookup here
raises ``KeyError`` for one. Tests assert codes, never wording; ``docs/findings.md`` is
generated from this table, the texts and the homes.
"""

from __future__ import annotations

from typing import NamedTuple

from retiree_tools.texts import template, tr


class Code(NamedTuple):
    severity: str  # error | warning | info
    fatal: bool = False  # the input could not be read at all: the command ends with exit code 2


CODES: dict[str, Code] = {
    # ---- file and sheet level ----
    "file-unreadable": Code("error", fatal=True),
    "file-encrypted": Code("error", fatal=True),
    "file-empty": Code("error", fatal=True),
    "file-too-large": Code("error", fatal=True),
    "file-hostile": Code("error", fatal=True),
    "file-format-noted": Code("info"),
    "annotate-too-large": Code("error", fatal=True),  # validated, but no annotated copy: exit 2
    "sheet-not-found": Code("error", fatal=True),
    "header-not-found": Code("error"),
    "sheet-skipped": Code("info"),
    "missing-column": Code("error"),
    "duplicate-column": Code("warning"),
    "column-guessed": Code("warning"),
    "column-ignored": Code("info"),
    "enterprise-unknown": Code("warning"),
    "value-too-long": Code("error"),
    "row-not-person": Code("info"),
    "category-from-group": Code("info"),
    # ---- person level ----
    "missing-value": Code("error"),
    "location-missing": Code("error"),
    "id-format": Code("error"),
    "id-checksum": Code("error"),
    "id-birthdate": Code("error"),
    "id-precision-lost": Code("error"),
    "id-column-numeric": Code("warning"),
    "id-legacy": Code("warning"),
    "id-area-unknown": Code("warning"),
    "id-duplicate": Code("error"),
    "birthdate-mismatch": Code("error"),
    "gender-mismatch": Code("error"),
    "date-invalid": Code("error"),
    "date-future": Code("error"),
    "date-order": Code("error"),
    "retirement-age": Code("warning"),
    "age-implausible": Code("warning"),
    "invalid-choice": Code("error"),
    "value-interpreted": Code("info"),
    "number-invalid": Code("error"),
    "number-range": Code("warning"),
    "phone-invalid": Code("error"),
    "account-invalid": Code("error"),
    "account-precision-lost": Code("error"),
    "credit-code-invalid": Code("error"),
    "document-missing": Code("error"),
    "not-transferable": Code("info"),
    # ---- assign / catalogue / targets ----
    "catalog-invalid": Code("error"),
    "targets-invalid": Code("error"),
    # ---- the campaign ledger ----
    "ledger-missing": Code("error"),
    "ledger-invalid": Code("error"),
    "ledger-duplicate": Code("error"),
    "ledger-possible-duplicate": Code("warning"),
    # ---- usage ----
    "policy-invalid": Code("error"),
    "output-is-input": Code("error"),
    "output-failed": Code("error"),
    "usage": Code("error"),
}

FATAL_CODES = frozenset(c for c, v in CODES.items() if v.fatal)


def severity_of(code: str) -> str:
    return CODES[code].severity


def title(code: str, lang: str = "zh") -> str:
    CODES[code]  # noqa: B018 - an unknown code is a bug
    return template(f"finding.{code}.title", lang)


def message_template(code: str, lang: str = "zh") -> str:
    CODES[code]  # noqa: B018
    return template(f"finding.{code}", lang)


def render(code: str, lang: str = "zh", /, **params: object) -> str:
    """The message of ``code`` in ``lang`` with ``params`` filled in; unknown params stay literal."""
    CODES[code]  # noqa: B018
    return tr(f"finding.{code}", lang, **params)


def homes() -> dict[str, list[str]]:
    """Code → the modules that name it in their ``EMITS`` (every module of the package is
    imported). Each code has exactly one home; a test keeps it so."""
    import importlib
    import pkgutil

    import retiree_tools

    out: dict[str, list[str]] = {}
    for info in pkgutil.walk_packages(retiree_tools.__path__, "retiree_tools."):
        if info.name.endswith(".__main__"):
            continue  # running it is the command line
        module = importlib.import_module(info.name)
        for code in getattr(module, "EMITS", ()):
            out.setdefault(code, []).append(info.name)
    return out
