"""Regenerate src/retiree_tools/data/cn_counties.txt: every six-digit area code python-stdnum's
``cn/loc`` table knows as a county-level unit (historical codes included), one per line.

Loading stdnum's table costs ~0.08 s per process; the checks only need the set of codes.
tests/test_rules.py fails when the file no longer matches the installed python-stdnum.

    python scripts/gen_areas.py
"""

from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "retiree_tools" / "data" / "cn_counties.txt"


def county_codes() -> list[str]:
    from stdnum import numdb

    db = numdb.get("cn/loc")
    codes: set[str] = set()

    def walk(nodes, prefix: str) -> None:
        for length, low, high, props, children in nodes:
            for n in range(int(low), int(high) + 1):
                code = prefix + str(n).zfill(length)
                if len(code) == 6 and "county" in props:
                    codes.add(code)
                walk(children, code)

    walk(db.prefixes, "")
    # the same verdict as numdb's own lookup, code by code
    assert all(len(i := db.info(c)) == 2 and "county" in i[1][1] for c in codes)
    return sorted(codes)


def render() -> str:
    return "\n".join(county_codes()) + "\n"


if __name__ == "__main__":
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(render(), encoding="ascii")
    print(f"{OUT}: {len(county_codes())} codes")
