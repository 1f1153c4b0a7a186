"""Every text a user reads, in Chinese (default) and English: one catalogue, one lookup.

The catalogue is split by area into the modules of this package (finding titles and messages,
input errors, validate, assign, forms, the outputs index, acceptance, the CLI); :data:`TEXTS`
merges them and a key defined twice is an error at import. :func:`tr` looks a key up: an
unknown key is a bug (``KeyError``); a placeholder without a value is left as written, so a
message never fails.
Deferred texts (:class:`Msg`) carry a key and its parameters until the language is known —
an :class:`~retiree_tools.findings.errors.InputError` raised deep in the library is rendered
in the ``--lang`` of the command that shows it.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from retiree_tools.texts import (
    acceptance,
    assign,
    cli,
    errors,
    findings,
    forms,
    ledger,
    outputs,
    validate,
)

LANGS = ("zh", "en")


def _merge(*parts: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for part in parts:
        for key, value in part.items():
            if key in out:
                raise RuntimeError(f"text {key!r} is defined twice")
            out[key] = value
    return out


TEXTS: dict[str, tuple[str, str]] = _merge(findings.TEXTS, errors.TEXTS, validate.TEXTS, assign.TEXTS,
                                           forms.TEXTS, outputs.TEXTS, acceptance.TEXTS, cli.TEXTS,
                                           ledger.TEXTS)


class _Keep(dict):
    """Format mapping that leaves unknown placeholders as they are."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def template(key: str, lang: str = "zh") -> str:
    """The raw text of ``key`` in ``lang`` (placeholders not filled)."""
    zh, en = TEXTS[key]
    return en if lang == "en" else zh


def tr(key: str, lang: str = "zh", /, **params: Any) -> str:
    """The text of ``key`` in ``lang`` with ``params`` filled in (:class:`Msg` values rendered
    in the same language)."""
    text = template(key, lang)
    if not params:
        return text
    fill = {k: (v.render(lang) if isinstance(v, Msg) else v) for k, v in params.items()}
    return text.format_map(_Keep(fill))


def has(key: str) -> bool:
    return key in TEXTS


class Msg(NamedTuple):
    """A text to be rendered later, in the language of whoever shows it."""

    key: str
    params: dict[str, Any] = {}

    def render(self, lang: str = "zh") -> str:
        return tr(self.key, lang, **self.params)


def msg(key: str, /, **params: Any) -> Msg:
    if key not in TEXTS:
        raise KeyError(f"unknown text {key!r}")
    return Msg(key, params)


__all__ = ["TEXTS", "LANGS", "Msg", "msg", "tr", "template", "has"]
