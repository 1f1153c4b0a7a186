"""Exceptions that end a command with exit code 2 and a one-line, translated reason."""

from __future__ import annotations


class InputError(Exception):
    """Usage or input problem: unreadable file, broken policy, refused output path.

    `code` is a stable finding code (e.g. ``file-unreadable``); ``params`` fill the message
    template of that code in the chosen language (see :mod:`retiree_tools.messages`).
    """

    def __init__(self, code: str, path: str | None = None, **params: object) -> None:
        self.code = code
        self.path = path
        self.params = params
        super().__init__(f"{code}: {path or ''} {params}")

    def message(self, lang: str = "zh") -> str:
        from retiree_tools.findings.codes import render

        text = render(self.code, lang, **self.params)
        return f"{self.path}: {text}" if self.path else text
