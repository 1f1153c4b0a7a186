"""The shared render-forms batch reads back as written (support.forms_batch builds it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from retiree_tools.assign.reader import read_assigned

from support.forms_batch import (  # noqa: F401
    CREDIT_A,
    DATE,
    DOCS_ALL,
    DONGGUAN,
    ENT_A,
    ENT_EVIL,
    HANJIANG,
    WENHE,
    batch_frame,
    make_id,
    write_batch,
)


@pytest.fixture(params=[".xlsx", ".csv"])
def batch_file(request, tmp_path: Path) -> Path:
    return write_batch(tmp_path, request.param)


def test_batch_reads_back(batch_file: Path) -> None:
    frame = read_assigned([batch_file])
    assert frame["status"].tolist() == ["assigned"] * 4 + ["excluded", "review", "assigned"]
    # the file holds the escaped text; reading it back gives the enterprise's own text
    assert frame["family_contact"].iat[1] == '=HYPERLINK("x")'
    raw = batch_file.read_bytes()
    if batch_file.suffix == ".csv":
        assert b"'=HYPERLINK" in raw
