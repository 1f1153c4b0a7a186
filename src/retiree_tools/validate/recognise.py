"""Columns by meaning and by content: which field each column of a transfer workbook holds.

A header is first looked up among the policy's headers and aliases (**exact**). Otherwise it is
read by its words (**lexicon**): after folding (spaces, line breaks, brackets and the notes in
them, required marks) each field's *core terms* and *qualifiers*, and the words any header may
carry (``[layout] header_noise``), are laid over the header, longest first; a field matches when
one of its core terms is there, none of its *exclusions* is, and its words cover at least
``[layout] min_coverage`` of the header. The column's values are read too (**content**): IDs,
genders, dates, phones, accounts, amounts, names, addresses, category words, pick-list values.
Content decides where the header says nothing (or is blank); it also outvotes a guess by words
that the values contradict, and tells the date columns apart by the age the dates give against
the ID numbers (0: birth date, 14–30: work start, 40–70: retirement). An ``--columns`` override
decides first. Every column then gets at most one field and every field at most one column, the
strongest evidence first (exact 3 + …, words 2 + coverage, content 1 + share of the values).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from statistics import median

from retiree_tools.domain import dates
from retiree_tools.domain.idcard import ID15, ID18
from retiree_tools.domain.numbers import parse_number
from retiree_tools.domain.text import clean_value, header_key, header_key_loose
from retiree_tools.policy.model import Policy

EXACT, LEXICON, CONTENT, OVERRIDE = "exact", "lexicon", "content", "override"
MIN_VALUES = 3  # values a column needs before its content counts


@dataclass
class ColumnReport:
    """What was understood of one column (``columns`` in the JSON)."""

    index: int  # absolute 0-based column
    header: str
    field: str | None
    how: str | None  # exact | lexicon | content | override; None: not recognised
    confidence: float

    def to_dict(self) -> dict:
        from retiree_tools.findings.model import column_letter

        return {"column": column_letter(self.index), "header": self.header, "field": self.field, "how": self.how,
                "confidence": round(self.confidence, 2)}


# ---------------------------------------------------------------------------------------------
# headers
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Lexicon:
    core: tuple[str, ...]
    words: tuple[str, ...]  # core + qualifiers + noise, longest first
    exclude: tuple[str, ...]


def _lexicon(policy: Policy) -> tuple[dict[str, _Lexicon], dict[str, tuple[str, ...]]]:
    """Each field's words, and each core term → the fields it is a core term of (a header
    is scored only against the fields whose core terms it holds)."""
    cached = policy.__dict__.get("_lexicon")
    if cached is None:
        noise = [header_key(w) for w in policy.layout.header_noise]
        lex: dict[str, _Lexicon] = {}
        by_core: dict[str, list[str]] = {}
        for key, spec in policy.fields.items():
            core = {header_key(t) for t in [spec.header, *spec.aliases, *spec.terms]} - {""}
            quals = {header_key(t) for t in spec.qualifiers} | set(noise)
            lex[key] = _Lexicon(tuple(sorted(core, key=len, reverse=True)),
                                tuple(sorted((core | quals) - {""}, key=len, reverse=True)),
                                tuple(k for k in (header_key(t) for t in spec.exclude) if k))
            for c in core:
                by_core.setdefault(c, []).append(key)
        cached = policy.__dict__["_lexicon"] = (lex, {c: tuple(f) for c, f in by_core.items()})
    return cached


def _coverage(key: str, lex: _Lexicon) -> float:
    """Share of ``key`` covered by the field's words, 0 without a core term or with an exclusion."""
    if not key or any(e in key for e in lex.exclude) or not any(c in key for c in lex.core):
        return 0.0
    covered = [False] * len(key)
    for word in lex.words:
        start = key.find(word)
        while start >= 0:
            if not any(covered[start:start + len(word)]):
                covered[start:start + len(word)] = [True] * len(word)
            start = key.find(word, start + 1)
    return sum(covered) / len(key)


def header_candidates(policy: Policy, text: str | None) -> list[tuple[str, str, float]]:
    """(field, how, score in 0–1) for a header text: the exact match alone when there is one,
    else the fields its words cover well enough, best first."""
    if not text:
        return []
    index = policy.header_index
    exact = index.get(header_key_loose(text)) or index.get(header_key(text))
    if exact:
        return [(exact, EXACT, 1.0)]
    key = header_key(text)
    if not key or len(key) > 40:  # a title line or a value, not a header
        return []
    lex, by_core = _lexicon(policy)
    fields = {f for core, fs in by_core.items() if core in key for f in fs}
    out = [(f, LEXICON, c) for f in fields if (c := _coverage(key, lex[f])) >= policy.layout.min_coverage]
    return sorted(out, key=lambda x: (-x[2], x[0]))


def _best_reading(policy: Policy, readings: list[str | None]) -> list[tuple[str, str, float]]:
    """The candidates of the first reading that gives an exact match, else of all readings
    together (best score per field)."""
    best: dict[str, tuple[str, str, float]] = {}
    for text in readings:
        cands = header_candidates(policy, text)
        if cands and cands[0][1] == EXACT:
            return cands
        for f, how, score in cands:
            if f not in best or score > best[f][2]:
                best[f] = (f, how, score)
    return sorted(best.values(), key=lambda x: -x[2])


def header_field(policy: Policy, text: str | None) -> str | None:
    """The field a header names by itself (exact, or by words when one field is clearly best):
    what the header-row scan counts."""
    if not text:
        return None
    cache = policy.__dict__.setdefault("_header_field", {})
    if text not in cache:
        if len(cache) > 20_000:
            cache.clear()
        cache[text] = _header_field(policy, text)
    return cache[text]


def _header_field(policy: Policy, text: str) -> str | None:
    cands = header_candidates(policy, text)
    if not cands:
        return None
    if len(cands) > 1 and cands[1][2] >= cands[0][2] - 0.05:
        return None  # two fields fit about as well: the content will tell
    return cands[0][0]


# ---------------------------------------------------------------------------------------------
# content
# ---------------------------------------------------------------------------------------------

_PHONE = re.compile(r"^(1[3-9]\d{9}|(0\d{2,3}-?)?[2-9]\d{6,7})$")
_ACCOUNT = re.compile(r"^\d{12,30}$")
_NAME = re.compile(r"^[\u4e00-\u9fff][\u4e00-\u9fff·]{1,4}$")
_ADDRESS = re.compile(r"(省|市|区|县|镇|乡|街道|路|街|村|号|巷|弄|小区|社区|组|楼)")
_ORG = re.compile(r"(厂|公司|集团|局|所|院|中心|站|社|店|矿|场|处|总厂)$")
_CONTACT = re.compile(r"[\u4e00-\u9fff]{1,5}.*\d{7,}")
_USCC = re.compile(r"^[0-9A-HJ-NP-RTUWXY]{18}$")
_SEQ = re.compile(r"^\d{1,6}$")


def _looks(kind: str, v: str, policy: Policy, field: str) -> bool:
    t = v.replace(" ", "")
    if kind == "id":
        return bool(ID18.match(t.upper()) or ID15.match(t)) or bool(re.match(r"^\d(\.\d+)?[Ee]\+?1[47]$", t))
    if kind == "gender":
        return policy.interpret_gender(t) is not None
    if kind == "date":
        y = dates.parse_one(t)[0]
        return 1900 <= y <= 2100
    if kind == "phone":
        return any(_PHONE.match(p) for p in re.split(r"[/,，;；、\s]+", t.replace("-", "")) if p)
    if kind == "account":
        return bool(_ACCOUNT.match(t)) and not ID18.match(t)
    if kind == "amount":
        n = parse_number(t)
        return n is not None and 50 <= n <= 100_000
    if kind == "credit_code":
        return bool(_USCC.match(t.upper()))
    if kind == "name":
        return bool(_NAME.match(t)) and not _picklist_word(policy, t)
    if kind == "address":
        return len(t) >= 4 and bool(_ADDRESS.search(t))
    if kind == "organisation":
        return bool(_ORG.search(t))
    if kind == "contact":
        return bool(_CONTACT.search(t))
    if kind == "seq":
        return bool(_SEQ.match(t))
    if kind == "category":
        return policy.interpret_choice(field, t)[0] is not None
    if kind == "choice":  # a bare yes/no word (否 is also 无 of 干部管理权限) says nothing of the field
        return clean_value(t).upper() not in policy.yesno_index() and policy.interpret_choice(field, t)[0] is not None
    if kind == "yesno":
        return policy.interpret_yesno(field, t)[0] is not None
    if kind == "party":  # the words of a 政治面貌 column, not bare yes/no marks
        spec = policy.fields[field]
        key = header_key(t)
        return t in spec.yes_aliases or t in spec.no_aliases or any(r.matches(key) for r in spec.rules)
    return False


def _picklist_word(policy: Policy, t: str) -> bool:
    """A value of a pick list (a category, a post, a gender, a yes/no word): not a name."""
    if t.upper() in policy.gender_index or clean_value(t).upper() in policy.yesno_index():
        return True
    return any(policy.interpret_choice(f, t)[0] is not None for f, spec in policy.fields.items() if spec.kind == "choice")


# kinds that name one field only: content alone may decide them
_DISTINCT = ("id", "gender", "phone", "account", "credit_code", "name", "category", "choice", "party",
             "organisation", "contact", "amount")


def _share(policy: Policy, field: str, values: list[str]) -> float:
    kind = policy.fields[field].content_kind()
    if kind == "text" or not values:
        return 0.0
    return sum(_looks(kind, v, policy, field) for v in values) / len(values)


def _birth_months(values: list[str]) -> list[int | None]:
    """Month index of the birth date in each row's ID number (None where there is none)."""
    out: list[int | None] = []
    for v in values:
        t = (v or "").replace(" ", "").upper()
        if ID18.match(t):
            y, m = int(t[6:10]), int(t[10:12])
        elif ID15.match(t):
            y, m = 1900 + int(t[6:8]), int(t[8:10])
        else:
            out.append(None)
            continue
        out.append(y * 12 + m - 1 if 1 <= m <= 12 else None)
    return out


def _date_field(column: list[str | None], births: list[int | None]) -> tuple[str | None, float]:
    """birth_date / work_start / retire_date by the age the column's dates give (median), and
    the share of rows that agree."""
    ages = []
    for v, b in zip(column, births, strict=False):
        if not v or b is None:
            continue
        y, m, _ = dates.parse_one(v.replace(" ", ""))
        if 1900 <= y <= 2100:
            ages.append((y * 12 + m - 1 - b) / 12)
    if len(ages) < MIN_VALUES:
        return None, 0.0
    for field, low, high in (("birth_date", -0.1, 0.1), ("work_start", 13, 32), ("retire_date", 38, 72)):
        if low <= median(ages) <= high:
            return field, sum(low <= a <= high for a in ages) / len(ages)
    return None, 0.0


# ---------------------------------------------------------------------------------------------
# the mapping
# ---------------------------------------------------------------------------------------------

def override_field(policy: Policy, wanted: str) -> str | None:
    """A field named in ``--columns``: its key or its canonical header; "" / "-" / "无" ignore."""
    w = clean_value(wanted)
    if w in ("", "-", "无", "none", "ignore"):
        return ""
    if w in policy.fields:
        return w
    return policy.header_index.get(header_key(w))


@lru_cache(maxsize=64)
def _override_key(text: str) -> str:
    return header_key_loose(text)


def recognise(policy: Policy, texts: dict[int, str], body: list[list[str | None]], col_offset: int,
              overrides: dict[str, str] | None = None, candidates: dict[int, list[str]] | None = None
              ) -> tuple[dict[str, int], list[tuple[int, str, int]], list[ColumnReport]]:
    """The mapping of one sheet: ``texts`` are the header texts by absolute column (as shown),
    ``candidates`` what each may be read as (a two-row header: the cell, then group + cell),
    ``body`` the rows below the header (cells from ``col_offset``). Returns field → column,
    the duplicate columns (column, header, first column) and a report per column."""
    width = max([len(r) for r in body] + [max(texts, default=col_offset - 1) - col_offset + 1, 0])
    columns = range(col_offset, col_offset + width)
    values = {c: [r[c - col_offset] for r in body if c - col_offset < len(r)] for c in columns}
    filled = {c: [clean_value(str(v)) for v in vs if v not in (None, "")] for c, vs in values.items()}
    cands: list[tuple[float, int, str, str, float]] = []  # (score, column, field, how, confidence)
    forced: dict[int, str] = {}
    for wanted_header, field in (overrides or {}).items():
        for c, t in texts.items():
            if _override_key(t) == _override_key(wanted_header):
                forced[c] = field
    header_hits = {c: _best_reading(policy, (candidates or {}).get(c) or [texts.get(c)]) for c in columns}
    for c in columns:
        if c in forced:
            if forced[c]:
                cands.append((9.0, c, forced[c], OVERRIDE, 1.0))
            continue
        vals = filled[c]
        for field, how, score in header_hits[c]:
            if how == EXACT:
                cands.append((3.0, c, field, EXACT, 1.0))
                continue
            s = 2.0 + score
            if len(vals) >= MIN_VALUES and policy.fields[field].content_kind() != "text" and _share(policy, field, vals) < 0.2:
                s -= 1.5  # the values say otherwise
            cands.append((s, c, field, LEXICON, score))
        if len(vals) >= MIN_VALUES and not any(how == EXACT for _, how, _ in header_hits[c]):
            for field, spec in policy.fields.items():
                if spec.content_kind() in _DISTINCT:
                    share = _share(policy, field, vals)
                    if share >= policy.layout.min_content_share:
                        cands.append((1.0 + share, c, field, CONTENT, share))
    cands.sort(key=lambda x: (-x[0], x[1]))
    field_of: dict[int, tuple[str, str, float]] = {}
    col_of: dict[str, int] = {}
    duplicates: list[tuple[int, str, int]] = []
    seen: set[int] = set()
    for score, c, field, how, conf in cands:
        if c in field_of or c in seen and field in col_of:
            continue
        best = c not in seen  # candidates come strongest first: this is the column's best
        seen.add(c)
        if field in col_of:
            if best and how in (EXACT, LEXICON, OVERRIDE) and score >= 2.5:
                duplicates.append((c, texts.get(c, ""), col_of[field]))  # its header names a field taken before
                field_of[c] = (field, "duplicate", conf)
            continue
        field_of[c] = (field, how, conf)
        col_of[field] = c
    _dates_by_age(policy, columns, values, filled, field_of, col_of, forced)
    _by_elimination(policy, columns, filled, field_of, col_of, forced)
    dup_cols = {c for c, _, _ in duplicates}
    reports = []
    for c in columns:
        if c in dup_cols or (not texts.get(c) and not filled[c]):
            continue
        field, how, conf = field_of.get(c, (None, None, 0.0))
        reports.append(ColumnReport(c, texts.get(c, ""), field, how, conf))
    duplicates.sort()
    return dict(sorted(col_of.items(), key=lambda kv: kv[1])), duplicates, reports


# families of fields whose values look alike: a column of the family no header placed goes to the
# one field of the family still open (a clerk's reasoning: the other addresses are there)
_FAMILIES = (("address", ("household_address", "medical_location", "residence")),
             ("yesno", ("doc_registration", "doc_agreement", "doc_id_copy", "doc_transfer_agreement", "doc_file",
                        "doc_passbook")))


def _by_elimination(policy, columns, filled, field_of, col_of, forced) -> None:
    for kind, family in _FAMILIES:
        fields = [f for f in family if f in policy.fields]
        placed = [col_of[f] for f in fields if f in col_of]
        open_fields = [f for f in fields if f not in col_of]
        if len(open_fields) != 1 or not placed:
            continue
        field = open_fields[0]
        near = range(min(placed) - 1, max(placed) + 2)  # the family's columns sit together
        found = [c for c in columns if c in near and c not in field_of and c not in forced
                 and len(filled[c]) >= MIN_VALUES
                 and sum(_looks(kind, v, policy, field) for v in filled[c]) >= policy.layout.min_content_share * len(filled[c])]
        if len(found) == 1:
            field_of[found[0]] = (field, CONTENT, 0.8)
            col_of[field] = found[0]


def _dates_by_age(policy, columns, values, filled, field_of, col_of, forced) -> None:
    """Date columns the headers left open: placed by the age their dates give (needs the ID)."""
    id_col = col_of.get("id_number")
    if id_col is None:
        return
    births = _birth_months([v if isinstance(v, str) else "" for v in values[id_col]])
    for c in columns:
        if c in field_of or c in forced or len(filled[c]) < MIN_VALUES:
            continue
        if sum(_looks("date", v, policy, "") for v in filled[c]) < policy.layout.min_content_share * len(filled[c]):
            continue
        field, share = _date_field([v if isinstance(v, str) else None for v in values[c]], births)
        if field and field not in col_of and field in policy.fields and share >= policy.layout.min_content_share:
            field_of[c] = (field, CONTENT, share)
            col_of[field] = c
