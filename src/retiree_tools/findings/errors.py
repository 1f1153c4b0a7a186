"""Exceptions that end a command with exit code 2 and a one-line reason in the command's language."""

from __future__ import annotations

from typing import Any

from retiree_tools.texts import Msg

# ``usage``: a usage error of any command (a bad option value, an output of the wrong kind, a
# broken template); raised wherever the library finds one
EMITS = ("usage",)


class InputError(Exception):
    """Usage or input problem: unreadable file, broken policy, refused output path.

    ``code`` is a stable finding code (e.g. ``file-unreadable``; unknown codes are refused).
    The reason is ``reason`` (a key of the text catalogue, filled from ``params``), a list of
    ``problems`` (:class:`~retiree_tools.texts.Msg`, the first five shown), or a literal
    ``detail`` (what an engine said). Nothing is rendered until :meth:`message` is given the
    language, so the same error reads in Chinese or English as ``--lang`` says.
    """

    def __init__(self, code: str, path: str | None = None, *, reason: str | None = None,
                 problems: list[Msg] | None = None, **params: Any) -> None:
        from retiree_tools.findings.codes import CODES

        if code not in CODES:
            raise KeyError(f"unknown finding code {code!r}")
        if reason is not None:
            from retiree_tools.texts import msg

            msg(reason)  # an unknown text key is a bug
        self.code = code
        self.path = path
        self.reason = reason
        self.problems = list(problems or [])
        self.params = params
        super().__init__(f"{code}: {path or ''} {reason or ''} {params}")

    def with_path(self, path: str) -> InputError:
        """The same error, naming the file it is about."""
        return InputError(self.code, path, reason=self.reason, problems=self.problems, **self.params)

    def detail(self, lang: str = "zh") -> str:
        """The reason alone, in ``lang``."""
        from retiree_tools.texts import tr

        if self.reason is not None:
            return tr(self.reason, lang, **self.params)
        if self.problems:
            shown = "; ".join(p.render(lang) for p in self.problems[:5])
            more = len(self.problems) - 5
            return shown + (" " + tr("error.more", lang, n=more) if more > 0 else "")
        detail = self.params.get("detail", "")
        return detail.render(lang) if isinstance(detail, Msg) else str(detail)

    def finding_params(self, lang: str = "zh") -> dict[str, Any]:
        """The parameters of the finding this error becomes: its own, with ``detail`` rendered."""
        params = {k: (v.render(lang) if isinstance(v, Msg) else v) for k, v in self.params.items()}
        if self.reason is not None or self.problems or "detail" in params:
            params["detail"] = self.detail(lang)
        if self.reason is not None:
            params["reason"] = self.reason
        return params

    def message(self, lang: str = "zh") -> str:
        from retiree_tools.findings.codes import render

        text = render(self.code, lang, **self.finding_params(lang))
        return f"{self.path}: {text}" if self.path else text
