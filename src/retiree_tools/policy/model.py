"""The policy: fields, aliases, categories, documents, thresholds and assignment order (TOML)."""

from __future__ import annotations

import tomllib
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from retiree_tools.domain.text import clean_value, header_key, header_key_loose
from retiree_tools.findings.errors import InputError

FieldKind = Literal[
    "text", "id_number", "credit_code", "gender", "date", "month", "choice", "yesno",
    "number", "phone", "account", "document",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class FieldSpec(_Strict):
    header: str
    aliases: list[str] = []
    kind: FieldKind = "text"
    pii: Literal["name", "id", "account", "phone", "address", "contact"] | None = None
    choices: list[str] | Literal["categories"] | None = None
    choice_aliases: dict[str, str] = {}
    yes_aliases: list[str] = []
    no_aliases: list[str] = []


class Category(_Strict):
    handed_over: bool = True
    aliases: list[str] = []
    documents: list[str] = []
    file_transfer: bool = True
    reason: str = ""
    reason_en: str = ""


class Required(_Strict):
    columns: list[str] = []
    values: list[str] = []
    any_of: list[list[str]] = []
    recommended: list[str] = []


class YesNo(_Strict):
    yes: list[str]
    no: list[str]


class Thresholds(_Strict):
    retirement_age_tolerance_months: int = 0
    pension_min: float = 100
    pension_max: float = 50000
    earliest_birth_year: int = 1900
    max_age_years: int = 110
    warn_unknown_area_code: bool = True


class AssignPolicy(_Strict):
    location_order: list[str] = ["medical_location", "household_address", "residence"]
    rule_names: dict[str, str] = {}
    provincial_pension_field: str = "provincial_pension"
    provincial_location_field: str = "medical_location"
    unit_field: str = "residence"
    city_level_words: list[str] = []
    party_rehired_destination: str = "原单位党组织"
    party_away_destination: str = "外出务工经商所在地党组织"


class AcceptancePolicy(_Strict):
    min_rate: float = Field(default=1.0, gt=0, le=1)


class Policy(_Strict):
    name: str = ""
    fields: dict[str, FieldSpec]
    required: Required = Required()
    yesno: YesNo
    categories: dict[str, Category]
    thresholds: Thresholds = Thresholds()
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
        for where, f in refs:
            if f not in known:
                raise ValueError(f"{where}: unknown field '{f}'")
        for name, cat in self.categories.items():
            for d in cat.documents:
                if self.fields[d].kind != "document":
                    raise ValueError(f"categories.{name}.documents: '{d}' is not a document field")
        for key in ("name", "id_number", "category"):
            if key not in known:
                raise ValueError(f"fields.{key}: this field is required by the program")
        return self

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


def _deep_merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for k, v in override.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict) and k not in ("rule_names",):
            out[k] = _deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise InputError("policy-invalid", str(path), detail="文件不存在 / file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError("policy-invalid", str(path), detail=str(exc)) from None
    except OSError as exc:
        raise InputError("policy-invalid", str(path), detail=exc.strerror or str(exc)) from None


def default_policy_data() -> dict:
    text = resources.files("retiree_tools.policy").joinpath("policy.toml").read_bytes()
    return tomllib.loads(text.decode("utf-8"))


def load_policy(path: str | Path | None = None) -> Policy:
    """The default policy, with ``path`` (a locality's TOML) merged over it table by table."""
    data = default_policy_data()
    sources = ["(default)"]
    if path is not None:
        override = _read_toml(Path(path))
        if override.pop("replace_categories", False):
            data.pop("categories", None)
        data = _deep_merge(data, override)
        sources.append(str(path))
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise InputError("policy-invalid", str(path or "policy.toml"), detail=f"{where}: {err['msg']}") from None
    policy.source = sources
    return policy
