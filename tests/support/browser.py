"""A real headless browser for tests: find Debian's chromium, print HTML to PDF, screenshot.

`./run test` tries to install chromium (scripts/ensure-tools.sh); where it is still missing,
tests that need it are skipped with a visible reason (pytest -ra prints it)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def find_chromium() -> str | None:
    for name in _NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def require_chromium() -> str:
    path = find_chromium()
    if path is None:
        pytest.skip("chromium not installed (apt-get install chromium); browser checks skipped")
    return path


def _run(args: list[str]) -> None:
    subprocess.run(args, check=True, timeout=180, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _base(chromium: str) -> list[str]:
    return [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
            "--disable-dev-shm-usage", "--run-all-compositor-stages-before-draw"]


def print_pdf(html: Path, pdf: Path) -> Path:
    chromium = require_chromium()
    _run([*_base(chromium), f"--print-to-pdf={pdf}", html.resolve().as_uri()])
    return pdf


def screenshot(html: Path, png: Path, size: str = "1240,1754") -> Path:
    chromium = require_chromium()
    _run([*_base(chromium), f"--screenshot={png}", f"--window-size={size}", html.resolve().as_uri()])
    return png


def pdf_pages(pdf: Path) -> int:
    """Page count of a PDF without extra libraries: count /Type /Page objects."""
    import re

    data = pdf.read_bytes()
    return len(re.findall(rb"/Type\s*/Page[^s]", data))
