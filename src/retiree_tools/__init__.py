"""retiree-tools: validate, assign, render forms and report acceptance for retiree transfers.

The public API — what the command line calls, and what a Python caller uses instead:

- :func:`load_policy` — the default policy with a locality's TOML merged over it
- :func:`validate_paths` — check transfer workbooks; a :class:`~retiree_tools.findings.model.Report`
- :func:`assign_paths` — validate and assign, write the assigned file; an ``AssignResult``
- :func:`render_forms` — the handover forms of assigned files; their manifest
- :func:`acceptance_report` — reconcile assigned files against targets; an ``AcceptanceReport``
- :func:`write_template` — the blank input workbook
- :func:`write_outputs_index` — the page linking a run's outputs (``out/index.html``)

with :class:`Options` (sheet, enterprise, language, …), :class:`InputError` (exit code 2),
:class:`Prefetch` (a head start on the first workbook), :func:`scan_paths` (the files a command
reads, and those of a directory it skips; :func:`skipped_line` says them) and :func:`tr` (the
text catalogue).
Names are imported on first use, so ``import retiree_tools`` stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_API = {
    "load_policy": "retiree_tools.policy.load",
    "validate_paths": "retiree_tools.validate.run",
    "Options": "retiree_tools.validate.run",
    "assign_paths": "retiree_tools.assign.run",
    "render_forms": "retiree_tools.forms.render",
    "acceptance_report": "retiree_tools.acceptance.report",
    "write_template": "retiree_tools.validate.template",
    "write_outputs_index": "retiree_tools.forms.outputs_index",
    "InputError": "retiree_tools.findings.errors",
    "Prefetch": "retiree_tools.io.prefetch",
    "expand_paths": "retiree_tools.io.paths",
    "scan_paths": "retiree_tools.io.paths",
    "skipped_line": "retiree_tools.io.paths",
    "tr": "retiree_tools.texts",
    "cjk_font_available": "retiree_tools.forms.templates",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'retiree_tools' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
