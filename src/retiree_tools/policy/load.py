"""Reading the policy: the default shipped with the package, a locality's TOML merged over it."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from retiree_tools.findings.errors import InputError
from retiree_tools.policy.model import Policy, PolicyProblem
from retiree_tools.texts import msg

EMITS = ("policy-invalid",)


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
        raise InputError("policy-invalid", str(path), reason="error.no_such_file") from None
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
        problem = (err.get("ctx") or {}).get("error")
        if isinstance(problem, PolicyProblem):  # a cross-check: its reason in the reader's language
            raise InputError("policy-invalid", str(path or "policy.toml"), reason="error.policy_key",
                             where=problem.where, what=msg(problem.reason, **problem.params)) from None
        where = ".".join(str(p) for p in err["loc"])
        raise InputError("policy-invalid", str(path or "policy.toml"), reason="error.policy_key", where=where,
                         what=str(err["msg"])) from None
    policy.source = sources
    return policy
