"""The bundled samples: every injected problem listed in samples/*.expected.json is found at its
row, and nothing else is (a duplicate is reported on its later occurrence only)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retiree_tools.policy import load_policy
from retiree_tools.validate.run import Options, validate_paths

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.fixture(scope="module")
def report():
    return validate_paths([SAMPLES / "enterprise_a.xlsx", SAMPLES / "enterprise_b.csv"], load_policy(), Options())


@pytest.mark.parametrize("index,name", [(0, "a"), (1, "b")])
def test_expected_findings(report, index, name):
    expected = json.loads((SAMPLES / f"enterprise_{name}.expected.json").read_text(encoding="utf-8"))
    want = {(e["row"], e["code"]) for e in expected
            if e.get("code") and e.get("severity") not in ("none", "unspecified")
            and not (e["code"] == "id-duplicate" and "other_file" not in e and e["other_row"] > e["row"])}
    fr = report.files[index]
    got = {(f.row, f.code) for f in fr.findings if f.row is not None}
    assert got == want
    quiet_rows = {e["row"] for e in expected if e.get("severity") == "none"}
    assert not [f for f in fr.findings if f.row in quiet_rows]


def test_enterprises_known(report):
    assert [f.enterprise for f in report.files] == ["扬州市红旗机械厂", "扬州市光明纺织厂"]
    assert all(f.credit_code for f in report.files)


def test_sample_local_policy_loads_and_changes_the_outcome():
    policy = load_policy(SAMPLES / "policy-local.toml")
    assert policy.categories["内部退养人员"].handed_over is True
    assert policy.acceptance.min_rate == 0.98
    assert policy.fields["pension"].range == (100, 20000)
    default = validate_paths([SAMPLES / "enterprise_a.xlsx"], load_policy(), Options()).files[0]
    local = validate_paths([SAMPLES / "enterprise_a.xlsx"], policy, Options()).files[0]
    not_transferable = lambda fr: sum(f.code == "not-transferable" for f in fr.findings)  # noqa: E731
    assert not_transferable(local) == not_transferable(default) - 2  # the two 内部退养 people
