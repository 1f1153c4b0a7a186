"""The one text catalogue: complete in both languages, every key the code names exists, unknown
codes and keys are errors, and errors that end a command read in the command's language."""

from __future__ import annotations

import re
import string

import pytest

from retiree_tools.findings.codes import CODES, render, title
from retiree_tools.findings.errors import InputError
from retiree_tools.texts import TEXTS, Msg, msg, tr

from support.cli import run
from support.paths import ROOT

_CJK = re.compile(r"[\u4e00-\u9fff]")


def _fields(text: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_text_has_both_languages_with_the_same_placeholders():
    for key, (zh, en) in TEXTS.items():
        assert zh.strip() and en.strip(), key
        assert _fields(zh) == _fields(en), key


def test_every_code_has_a_title_and_a_message_in_both_languages():
    for code in CODES:
        assert title(code, "zh") != title(code, "en"), code
        assert f"finding.{code}" in TEXTS and f"finding.{code}.title" in TEXTS


def test_every_key_the_code_names_exists():
    """tr("…"), msg("…"), Msg("…") and reason="…" with a literal key, anywhere in the package."""
    pattern = re.compile(r"""(?:\btr|\bmsg|\bMsg)\(\s*["']([a-z][a-z0-9_.-]+)["']|reason=["']([a-z][a-z0-9_.-]+)["']""")
    used = set()
    for path in (ROOT / "src" / "retiree_tools").rglob("*.py"):
        for m in pattern.finditer(path.read_text(encoding="utf-8")):
            used.add(m.group(1) or m.group(2))
    keys = {k for k in used if "." in k and not k.endswith(".")}  # person reasons are codes ("no-id"), not keys
    assert len(keys) > 60
    assert sorted(k for k in keys if k not in TEXTS) == []


def test_unknown_codes_and_keys_are_errors():
    with pytest.raises(KeyError):
        InputError("no-such-code")
    with pytest.raises(KeyError):
        InputError("usage", reason="error.no_such_reason")
    with pytest.raises(KeyError):
        render("no-such-code", "zh")
    with pytest.raises(KeyError):
        msg("no.such.key")
    from retiree_tools.findings.model import make_finding

    with pytest.raises(KeyError):
        make_finding("no-such-code")


def test_an_input_error_is_rendered_in_the_language_asked():
    err = InputError("catalog-invalid", "c.csv", problems=[Msg("error.catalog_empty_code", {"row": 3})] * 7)
    assert err.message("zh") == "c.csv: 第 3 行：代码为空; 第 3 行：代码为空; 第 3 行：代码为空; 第 3 行：代码为空; 第 3 行：代码为空 ……另有 2 项"
    assert err.message("en").startswith("c.csv: row 3: empty code; ") and "… 2 more" in err.message("en")
    assert tr("error.more", "en", n=2) in err.message("en")
    targets = InputError("targets-invalid", reason="error.targets_count", line=4, value="-3").with_path("t.csv")
    assert targets.message("en") == "t.csv: line 4: target '-3' must be a whole number from 0 to 10,000,000"
    assert targets.message("zh") == "t.csv: 第 4 行：目标人数“-3”应为 0 到 1000 万之间的整数"
    assert targets.finding_params("en")["reason"] == "error.targets_count"


@pytest.mark.parametrize("args, code", [
    (["assign", "{samples}/enterprise_b.csv", "--catalog", "{tmp}/bad.csv"], "catalog-invalid"),
    (["acceptance-report", "{samples}/enterprise_b.csv", "--targets", "{tmp}/t.csv"], None),
    (["render-forms", "{tmp}/a.csv", "-o", "{tmp}/out", "--date", "2025/6/30"], "usage"),
    (["assign", "{samples}/enterprise_b.csv", "--catalog", "{samples}/catalog.csv", "-o", "{tmp}/a.txt"], "usage"),
    (["validate", "{samples}/enterprise_b.csv", "--policy", "{tmp}/p.toml"], "policy-invalid"),
])
def test_exit_2_messages_follow_lang(tmp_path, samples, args, code):
    """The one-line reason of an exit-2 error is English with --lang en and Chinese without
    (no "中文 / English" built where the error is raised)."""
    (tmp_path / "bad.csv").write_text("code,name,level,parent_code\n,广陵区,county,\n", encoding="utf-8")
    (tmp_path / "t.csv").write_text("scope,key,target\nenterprise,X,-3\n", encoding="utf-8")
    (tmp_path / "a.csv").write_text("x\n", encoding="utf-8")
    (tmp_path / "p.toml").write_text("[thresholds]\nmax_age_years = 'old'\n", encoding="utf-8")
    argv = [a.format(samples=samples, tmp=tmp_path) for a in args]
    en, zh = run(*argv, "--lang", "en"), run(*argv)
    assert en.returncode == zh.returncode == 2, (en.stderr, zh.stderr)
    en_line, zh_line = en.stderr.strip().splitlines()[-1], zh.stderr.strip().splitlines()[-1]
    assert not _CJK.search(en_line.replace(str(samples), "").replace(str(tmp_path), "")), en_line
    assert _CJK.search(zh_line), zh_line
    assert not re.search(r" / [A-Za-z]{2,}", zh_line), zh_line  # not "中文 / English" in one message
