"""Shared fixtures. Helpers that build inputs are in ``tests/support/`` (importable as
``support.*``: ``pythonpath = ["tests"]``), the hostile corpus and its sandbox in
``tests/hostile/``; no test module imports another."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.paths import SAMPLES


@pytest.fixture(scope="session")
def policy():
    """The default policy (loaded once)."""
    from retiree_tools.policy import load_policy

    return load_policy(None)


@pytest.fixture(scope="session")
def samples() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def sample_catalog():
    """The bundled Yangzhou sample catalogue, loaded."""
    from retiree_tools.assign.catalog import load_catalog

    return load_catalog(SAMPLES / "catalog.csv")
