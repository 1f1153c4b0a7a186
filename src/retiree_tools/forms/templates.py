"""Rendering the handover forms: the Jinja2 environment, template errors, optional PDF."""

from __future__ import annotations

import importlib.resources
import shutil
import subprocess
from pathlib import Path
from typing import Any

from retiree_tools.findings.errors import InputError
from retiree_tools.forms.plan import TITLES
from retiree_tools.texts import Msg

TEMPLATE_NAMES = {
    "summary": "summary.html.j2",
    "registration": "registration.html.j2",
    "card": "card.html.j2",
    "agreement": "agreement.html.j2",
    "receipt": "receipt.html.j2",
    "index": "index.html.j2",
}
TEMPLATE_SUFFIXES = (".j2", ".html", ".htm", ".css", ".jinja", ".jinja2", ".txt")


def packaged_templates() -> Path:
    """The templates shipped in the package; in a source checkout without package data, the
    repository's ``src/retiree_tools/templates``."""
    try:
        res = importlib.resources.files("retiree_tools") / "templates"
        path = Path(str(res))
        if path.is_dir():
            return path
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - zipped installs
        pass
    return Path(__file__).resolve().parents[1] / "templates"  # pragma: no cover


def _template_error(exc: BaseException, fallback: str) -> InputError:
    """An InputError naming the template and line of a Jinja2 failure (syntax, missing, undefined)."""
    import jinja2

    name, line = fallback, None
    if isinstance(exc, jinja2.TemplateSyntaxError):
        name, line = exc.name or exc.filename or fallback, exc.lineno
        msg = exc.message or "syntax error"
    elif isinstance(exc, jinja2.TemplateNotFound):
        name, msg = exc.name or fallback, Msg("error.template_missing")
    else:
        msg = f"{type(exc).__name__}: {exc}"
    tb = exc.__traceback__
    while tb is not None and not isinstance(exc, jinja2.TemplateSyntaxError | jinja2.TemplateNotFound):
        fn = tb.tb_frame.f_code.co_filename
        if fn.endswith(TEMPLATE_SUFFIXES):
            name, line = Path(fn).name, tb.tb_lineno
        tb = tb.tb_next
    where = Msg("error.template_line", {"name": Path(str(name)).name, "line": line}) if line else Path(str(name)).name
    return InputError("usage", reason="error.template", where=where, what=msg if isinstance(msg, Msg) else str(msg)[:300])


class Renderer:
    """One Jinja2 environment (autoescape for HTML, StrictUndefined); ``--templates DIR``
    overrides any template by file name, the packaged templates fill in the rest."""

    def __init__(self, override: str | Path | None = None) -> None:
        import jinja2

        search = []
        if override is not None:
            o = Path(override)
            if not o.is_dir():
                raise InputError("usage", reason="error.templates_dir", path=str(o))
            search.append(jinja2.FileSystemLoader(str(o)))
        search.append(jinja2.FileSystemLoader(str(packaged_templates())))
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(search),
            autoescape=lambda name: not (name or "").endswith(".css"),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, auto_reload=False,
        )
        self.templates: dict[str, Any] = {}

    def load(self, kind: str) -> None:
        """Compile the template of ``kind`` now, so a broken one fails before anything is written."""
        name = TEMPLATE_NAMES[kind]
        try:
            self.templates[kind] = self.env.get_template(name)
        except UnicodeDecodeError as exc:
            raise InputError("usage", reason="error.template_not_utf8", name=name, what=exc.reason) from None
        except Exception as exc:  # noqa: BLE001 - any template failure is the template's
            raise _template_error(exc, name) from None

    def render(self, kind: str, **context: Any) -> str:
        if kind not in self.templates:
            self.load(kind)
        try:
            return self.templates[kind].render(form={"kind": kind, "title": TITLES[kind]}, **context)
        except Exception as exc:  # noqa: BLE001
            raise _template_error(exc, TEMPLATE_NAMES[kind]) from None


# ---------------------------------------------------------------------------------------------
# PDF (optional extra)
# ---------------------------------------------------------------------------------------------

def require_weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: pango/cairo libraries missing
        raise InputError("usage", reason="error.weasyprint", what=f"{type(exc).__name__}: {str(exc)[:120]}") from None
    return weasyprint


def cjk_font_available() -> bool | None:
    """True/False from ``fc-list :lang=zh``; None when fontconfig's fc-list is not there."""
    fc = shutil.which("fc-list")
    if fc is None:
        return None
    try:
        out = subprocess.run([fc, ":lang=zh", "family"], capture_output=True, text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return bool(out.strip())


def html_to_pdf(weasyprint, html: str, base_dir: Path) -> bytes:
    return weasyprint.HTML(string=html, base_url=str(base_dir)).write_pdf()
