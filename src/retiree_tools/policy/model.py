"""The policy: fields, aliases, categories, documents, thresholds and assignment order (TOML)."""

from __future__ import annotations

import re
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from retiree_tools.domain.text import clean_value, header_key, header_key_loose

ContentKind = Literal[
    "id", "gender", "date", "phone", "account", "amount", "category", "choice", "yesno", "credit_code",
    "name", "address", "organisation", "contact", "seq", "party", "text",
]
FieldKind = Literal[
    "text", "id_number", "credit_code", "gender", "date", "month", "choice", "yesno",
    "number", "phone", "account", "document",
]


class PolicyProblem(ValueError):
    """A cross-check of the policy that fails: where (the key) and why (a text key with its
    parameters), rendered in the reader's language by ``policy.load``."""

    def __init__(self, where: str, reason: str, **params: object) -> None:
        self.where, self.reason, self.params = where, reason, params
        super().__init__(f"{where}: {reason} {params}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class ValueRule(_Strict):
    """A value naming any of ``contains`` (and all of ``all``, and none of ``unless``) means
    ``value`` (a canonical choice, or 是/否 for a yes/no field)."""

    contains: list[str] = []
    all: list[str] = []
    unless: list[str] = []
    value: str

    def matches(self, key: str) -> bool:
        from retiree_tools.domain.text import header_key

        if self.contains and not any(header_key(w) in key for w in self.contains):
            return False
        if any(header_key(w) not in key for w in self.all):
            return False
        return not any(header_key(w) in key for w in self.unless)


_COPIES = re.compile(r"(\d{1,3}|[零〇一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾]|[—–\-/×无])\s*(份|张|页|本|套|件|册)")
_NUMERALS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
             "十": 10, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9, "拾": 10}
_CONTENT_BY_KIND = {"id_number": "id", "gender": "gender", "date": "date", "month": "date", "phone": "phone",
                    "account": "account", "number": "amount", "credit_code": "credit_code", "yesno": "yesno",
                    "document": "yesno", "choice": "choice"}


class FieldSpec(_Strict):
    header: str
    aliases: list[str] = []
    kind: FieldKind = "text"
    pii: Literal["name", "id", "account", "phone", "address", "contact"] | None = None
    choices: list[str] | Literal["categories"] | None = None
    choice_aliases: dict[str, str] = {}
    yes_aliases: list[str] = []
    no_aliases: list[str] = []
    range: tuple[float, float] | None = None  # number fields: outside [low, high] is number-range (warning)
    # recognising a header not listed in aliases (see docs/validate.md, "Columns by meaning"):
    terms: list[str] = []  # core words: a header naming one of them may be this field
    qualifiers: list[str] = []  # words that add to a match but do not make one (时间, 号码, 所在地 …)
    exclude: list[str] = []  # words that make a header something else (身份证复印件 is not the ID)
    content: ContentKind | None = None  # what the values look like (default: by kind)
    # recognising a value not listed in choices / choice_aliases: ordered term rules, first match wins
    rules: list[ValueRule] = []

    def content_kind(self) -> str:
        if self.content is not None:
            return self.content
        if self.kind == "choice" and self.choices == "categories":
            return "category"
        return _CONTENT_BY_KIND.get(self.kind, "text")


class Category(_Strict):
    handed_over: bool = True
    aliases: list[str] = []
    documents: list[str] = []
    file_transfer: bool = True
    reason: str = ""
    reason_en: str = ""


class CadreLevel(_Strict):
    """What a value of 干部管理权限 means for the person, whatever their category (the 2003 opinions, 二)."""

    handed_over: bool = True
    file_transfer: bool = True
    reason_from: str | None = None  # the category whose exclusion reason is printed


class Genders(_Strict):
    """The gender values: canonical words (also what the ID number's gender is written as) and
    other spellings accepted."""

    male: str = "男"
    female: str = "女"
    aliases: dict[str, str] = {}


class Documents(_Strict):
    personnel_file: str = "doc_file"  # not required of people whose personnel file is not transferred


class Required(_Strict):
    columns: list[str] = []
    values: list[str] = []
    any_of: list[list[str]] = []
    recommended: list[str] = []


class YesNo(_Strict):
    yes: list[str]
    no: list[str]
    rules: list[ValueRule] = []


class Thresholds(_Strict):
    retirement_age_tolerance_months: int = 0
    earliest_birth_year: int = 1900
    max_age_years: int = 110
    warn_unknown_area_code: bool = True


class Retirement(_Strict):
    women_cadre_posts: list[str] = ["干部"]  # 退休前岗位 values that give a woman the cadre age (55, not 50)


class DateRules(_Strict):
    order: list[tuple[str, str]] = [("birth_date", "work_start"), ("work_start", "retire_date"), ("birth_date", "retire_date")]


class LayoutPolicy(_Strict):
    footer_words: list[str] = []  # a row without an ID whose first text starts with one is not a person
    roster_min_fields: int = 6  # a sheet whose header names this many fields is the roster: stop looking
    header_noise: list[str] = []  # words any header may carry without changing its meaning (人员, 本人 …)
    min_coverage: float = 0.5  # share of a header the matched words must cover for a match by words
    min_content_share: float = 0.8  # share of a column's values that must look alike to decide by content


class PartyPolicy(_Strict):
    """Where a party member's organisation relation goes (the 2003 opinions, 四)."""

    member_field: str = "party_member"
    rehired_field: str = "rehired"
    away_field: str = "away_half_year"
    rehired_destination: str = "原单位党组织"
    away_destination: str = "外出务工经商所在地党组织"
    unit_pattern: str = "{unit}党组织"
    residence_destination: str = "居住地党组织（需人工转接）"


class AssignPolicy(_Strict):
    location_order: list[str] = ["medical_location", "household_address", "residence"]
    rule_names: dict[str, str] = {}
    provincial_pension_field: str = "provincial_pension"
    provincial_location_field: str = "medical_location"
    unit_field: str = "residence"
    city_level_words: list[str] = []
    near_words: list[str] = []  # an address given by a corner or a nearby place names rival units
    party: PartyPolicy = PartyPolicy()


class AcceptancePolicy(_Strict):
    min_rate: float = Field(default=1.0, gt=0, le=1)


class Policy(_Strict):
    name: str = ""
    fields: dict[str, FieldSpec]
    required: Required = Required()
    yesno: YesNo
    genders: Genders = Genders()
    categories: dict[str, Category]
    cadre_levels: dict[str, CadreLevel] = {}
    documents: Documents = Documents()
    thresholds: Thresholds = Thresholds()
    retirement: Retirement = Retirement()
    dates: DateRules = DateRules()
    layout: LayoutPolicy = LayoutPolicy()
    assign: AssignPolicy = AssignPolicy()
    acceptance: AcceptancePolicy = AcceptancePolicy()
    source: list[str] = Field(default_factory=list, exclude=True)

    @model_validator(mode="after")
    def _cross_check(self) -> Policy:
        known = set(self.fields)
        refs: list[tuple[str, str]] = []
        refs += [("required.columns", f) for f in self.required.columns]
        refs += [("required.values", f) for f in self.required.values]
        refs += [("required.recommended", f) for f in self.required.recommended]
        refs += [("required.any_of", f) for group in self.required.any_of for f in group]
        refs += [("assign.location_order", f) for f in self.assign.location_order]
        refs += [("assign.unit_field", self.assign.unit_field)]
        for name, cat in self.categories.items():
            refs += [(f"categories.{name}.documents", d) for d in cat.documents]
        refs += [("dates.order", f) for pair in self.dates.order for f in pair]
        refs += [("documents.personnel_file", self.documents.personnel_file)]
        p = self.assign.party
        refs += [("assign.party", f) for f in (p.member_field, p.rehired_field, p.away_field)]
        for where, f in refs:
            if f not in known:
                raise PolicyProblem(where, "error.policy.unknown_field", field=f)
        for name, cat in self.categories.items():
            for d in cat.documents:
                if self.fields[d].kind != "document":
                    raise PolicyProblem(f"categories.{name}.documents", "error.policy.not_document", field=d)
        for key in ("name", "id_number", "category"):
            if key not in known:
                raise PolicyProblem(f"fields.{key}", "error.policy.required_field")
        for key, spec in self.fields.items():
            if spec.range is not None and (spec.kind != "number" or spec.range[0] > spec.range[1]):
                raise PolicyProblem(f"fields.{key}.range", "error.policy.range")
        for where, pair in [("dates.order", pair) for pair in self.dates.order]:
            if any(self.fields[f].kind not in ("date", "month") for f in pair):
                raise PolicyProblem(where, "error.policy.not_dates", pair=" / ".join(pair))
        levels = self.choices_of("cadre_level")
        for level, rule in self.cadre_levels.items():
            if levels is not None and level not in levels:
                raise PolicyProblem(f"cadre_levels.{level}", "error.policy.not_choice", value=level, allowed="、".join(levels))
            if rule.reason_from is not None and rule.reason_from not in self.categories:
                raise PolicyProblem(f"cadre_levels.{level}.reason_from", "error.policy.unknown_category", value=rule.reason_from)
        yes_no = {clean_value(v).upper() for v in [*self.yesno.yes, *self.yesno.no]}
        for key, spec in self.fields.items():
            allowed = self.choices_of(key)
            for rule in spec.rules:
                if allowed is not None and rule.value not in allowed:
                    raise PolicyProblem(f"fields.{key}.rules", "error.policy.not_choice", value=rule.value, allowed="、".join(allowed))
                if spec.kind in ("yesno", "document") and clean_value(rule.value).upper() not in yes_no:
                    raise PolicyProblem(f"fields.{key}.rules", "error.policy.not_yesno", value=rule.value)
        for rule in self.yesno.rules:
            if clean_value(rule.value).upper() not in yes_no:
                raise PolicyProblem("yesno.rules", "error.policy.not_yesno", value=rule.value)
        for alias, target in self.genders.aliases.items():
            if target not in (self.genders.male, self.genders.female):
                raise PolicyProblem(f"genders.aliases.{alias}", "error.policy.not_gender", value=target)
        if "{unit}" not in self.assign.party.unit_pattern:
            raise PolicyProblem("assign.party.unit_pattern", "error.policy.unit_pattern")
        return self

    def choices_of(self, field: str) -> list[str] | None:
        """The canonical values of a choice field (the category names for 人员类别); None when
        the field is not a choice field of this policy."""
        spec = self.fields.get(field)
        if spec is None or spec.kind != "choice":
            return None
        return list(self.categories) if spec.choices == "categories" else list(spec.choices or [])

    # ---- derived look-ups (computed once) ----
    @cached_property
    def header_index(self) -> dict[str, str]:
        """Folded header text → field key, for canonical headers and aliases."""
        index: dict[str, str] = {}
        for key, spec in self.fields.items():
            for name in [spec.header, *spec.aliases]:
                for k in (header_key_loose(name), header_key(name)):
                    index.setdefault(k, key)
        return index

    @cached_property
    def category_index(self) -> dict[str, str]:
        """Folded category text → canonical category name."""
        index: dict[str, str] = {}
        for name, cat in self.categories.items():
            for alias in [name, *cat.aliases]:
                index.setdefault(header_key(alias), name)
        return index

    def choice_index(self, field: str) -> dict[str, str]:
        spec = self.fields[field]
        if spec.choices == "categories":
            return self.category_index
        index = {header_key(c): c for c in spec.choices or []}
        for alias, target in spec.choice_aliases.items():
            index.setdefault(header_key(alias), target)
        return index

    @cached_property
    def gender_index(self) -> dict[str, str]:
        """Upper-cased gender text → the canonical word."""
        g = self.genders
        index = {g.male.upper(): g.male, g.female.upper(): g.female}
        for alias, target in g.aliases.items():
            index.setdefault(clean_value(alias).upper(), target)
        return index

    def interpret_choice(self, field: str, text: str) -> tuple[str | None, str]:
        """(canonical value, how) of a choice field's text: ``exact`` (a choice or an alias),
        ``rule`` (the field's ordered ``rules``), or (None, "") when nothing matches."""
        key = header_key(text)
        hit = self.choice_index(field).get(key)
        if hit is not None:
            return hit, "exact"
        loose = header_key_loose(text)  # brackets kept: 老干部(离休) is read by what the bracket says too
        for rule in self.fields[field].rules:
            if rule.matches(key) or rule.matches(loose):
                return rule.value, "rule"
        return None, ""

    def interpret_gender(self, text: str) -> str | None:
        """The canonical gender word of a text (``男``, ``M``, ``男性``, ``(男)`` …), or None."""
        index = self.gender_index
        t = str(text).strip()
        return index.get(t.upper()) or index.get(t.strip("()（）[]【】\"'“”‘’ ").upper())

    def interpret_yesno(self, field: str, text: str) -> tuple[bool | None, str]:
        """(yes/no, how) of a yes/no or document field's text: ``exact`` (the ``[yesno]``
        words and the field's aliases), ``count`` (a document given as copies: ``2``, ``1份``),
        ``rule`` (the field's rules, then ``[yesno] rules``), or (None, "")."""
        index = self.yesno_index(field)
        hit = index.get(str(text).upper())
        if hit is not None:
            return hit, "exact"
        spec = self.fields[field]
        if spec.kind == "document":
            t = str(text).strip()
            m = _COPIES.fullmatch(t) or re.fullmatch(r"(\d{1,3})", t)
            if m:
                n = m.group(1)
                return (int(n) if n.isascii() and n.isdigit() else _NUMERALS.get(n, 0)) > 0, "count"
        key, loose = header_key(text), header_key_loose(text)
        for rule in [*spec.rules, *self.yesno.rules]:
            if rule.matches(key) or rule.matches(loose):
                return index.get(clean_value(rule.value).upper()), "rule"
        return None, ""

    def yesno_index(self, field: str | None = None) -> dict[str, bool]:
        index = {clean_value(v).upper(): True for v in self.yesno.yes}
        index.update({clean_value(v).upper(): False for v in self.yesno.no})
        if field:
            spec = self.fields[field]
            index.update({clean_value(v).upper(): True for v in spec.yes_aliases})
            index.update({clean_value(v).upper(): False for v in spec.no_aliases})
        return index

    def fields_of_kind(self, *kinds: str) -> list[str]:
        return [k for k, s in self.fields.items() if s.kind in kinds]
