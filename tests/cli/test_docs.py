"""Docs generated from code stay current; every command and finding code is documented."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _gen():
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_generated_docs_are_current():
    """Fails when code changed without `python scripts/gen_docs.py` being run."""
    stale = [p.name for p, text in _gen().outputs().items() if p.read_text(encoding="utf-8") != text]
    assert not stale, f"regenerate with: python scripts/gen_docs.py ({', '.join(stale)})"


def test_every_command_and_code_is_documented():
    from retiree_tools.cli.app import app
    from retiree_tools.findings.codes import CODES

    cli = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for cmd in app.registered_commands:
        assert f"## retiree-tools {cmd.name}" in cli
    findings = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")
    for code in CODES:
        assert f"`{code}`" in findings


def test_readme_commands_match_ci():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "./run test" in readme and "./run demo" in readme
    assert "./run test" in ci
