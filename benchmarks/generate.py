"""Seeded benchmark data: transfer workbooks of 10k/100k people (xlsx) and 1M (csv), a
1,015-unit catalogue, targets, a synthesised 1M-row assigned file and a frictionless schema.

    python -m benchmarks.generate [--sizes 10k,100k,1m] [--error-rate 0.01] [--out benchmarks/data]

Everything is drawn from fixed seeds (numpy PCG64 and random.Random): the same command gives
the same data for the same numpy/Faker versions. See benchmarks/README.md for the layout.
"""

from __future__ import annotations

import argparse
import json
import random
import time
import tomllib
from datetime import datetime
from pathlib import Path

import numpy as np

from ._catalog import A_COLUMNS, address_stems, build_catalog, check_stems, make_uscc, write_catalog
from ._derived import DATE_FIELDS, ERROR_KINDS, assigned_frame, frictionless_schema, targets
from ._people import DOC_FIELDS, HANDED, People, cat, draw, text

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
POLICY = ROOT / "src" / "retiree_tools" / "policy" / "policy.toml"
SEED = 20261123
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
FORMAT = {"10k": "xlsx", "100k": "xlsx", "1m": "csv"}
TITLE = "移交社会化管理退休人员汇总表"
GROUP = "扬州市红旗机械集团有限公司"
ENTERPRISE_WORDS = ("红旗 光明 东方 前进 胜利 新华 长江 运河 友谊 曙光 红星 江淮 维扬 永兴 华通 "
                    "振兴 金鹰 亚星 五一 工农 跃进 联合 第一 第二 第三").split()
ENTERPRISE_KINDS = ["机械厂", "纺织厂", "化工厂", "电机厂", "食品厂", "印刷厂", "建筑公司", "棉纺厂",
                    "轴承厂", "阀门厂", "造船厂", "客车厂", "服装厂", "酒厂", "玻璃厂"]


# ---------------------------------------------------------------------------------------------
# cells: the people as written (mixed types for xlsx, text for csv), then injected errors
# ---------------------------------------------------------------------------------------------

def _months(ym: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return ym // 12, ym % 12 + 1


def _dates(rng: np.random.Generator, y, m, d, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """One column of dates in the forms offices type (xlsx: real date cells, 1960-05-01,
    1960.05, 1960年5月 and the number 196005; csv: 1960-05-01, 1960/5/1, 1960.05, 1960年5月,
    196005) and the normalised text validate makes of each (1960-05-01 or 1960-05)."""
    n = len(y)
    ys, ms, mm, ds = text(y), text(m), np.char.zfill(text(m), 2), np.char.zfill(text(d), 2)
    iso, dot, cn = cat(ys, "-", mm, "-", ds), cat(ys, ".", mm), cat(ys, "年", ms, "月")
    out = np.empty(n, dtype=object)
    if kind == "csv":
        form = rng.integers(0, 5, n)  # 0 iso, 1 slash, 2 dot, 3 cn, 4 compact
        out[:] = np.select([form == 0, form == 1, form == 2, form == 3],
                           [iso, cat(ys, "/", ms, "/", text(d)), dot, cn], cat(ys, mm))
        return out, np.where(form <= 1, iso, cat(ys, "-", mm)).astype(object)
    form = rng.integers(0, 6, n)  # 0-1 date cell, 2 iso, 3 dot, 4 cn, 5 number
    out[:] = np.select([form == 2, form == 3, form == 4], [iso, dot, cn], "")
    num = form == 5
    out[num] = (y[num] * 100 + m[num]).tolist()
    real = np.flatnonzero(form <= 1)
    out[real] = [datetime(a, b, c) for a, b, c in zip(y[real].tolist(), m[real].tolist(), d[real].tolist(), strict=True)]
    return out, np.where(form <= 2, iso, cat(ys, "-", mm)).astype(object)


def cells(p: People, rng: np.random.Generator, kind: str) -> dict[str, np.ndarray]:
    """Object arrays per field: what goes into each cell (None = blank). Keys starting with
    ``_`` are not written: ``_norm_<date field>`` is the date as validate normalises it."""
    c: dict[str, np.ndarray] = {k: np.asarray(v, dtype=object) for k, v in p.v.items() if not k.startswith("_")}
    wy, wm = _months(p.work)
    ry, rm = _months(p.retire)
    c["birth_date"], c["_norm_birth_date"] = _dates(rng, p.by, p.bm, p.bd, kind)
    c["work_start"], c["_norm_work_start"] = _dates(rng, wy, wm, np.ones_like(wm), kind)
    c["retire_date"], c["_norm_retire_date"] = _dates(rng, ry, rm, np.ones_like(rm), kind)
    c["seq"] = np.arange(1, p.n + 1).astype(object) if kind == "xlsx" else text(np.arange(1, p.n + 1)).astype(object)
    c["_pension"] = p.v["pension"].astype(object)
    if kind == "xlsx":
        c["pension"] = p.v["pension"].astype(object)
    else:
        c["pension"] = np.char.mod("%.2f", p.v["pension"]).astype(object)
        for f in DOC_FIELDS:
            c[f] = np.where(np.isin(c[f], ["√", "有"]), "有", c[f]).astype(object)
    return c


def inject(p: People, c: dict[str, np.ndarray], rng: np.random.Generator, rate: float, kind: str) -> np.ndarray:
    """Put ~``rate`` × n errors of every kind in ERROR_KINDS into disjoint rows of ``c``;
    return the kind index per row (-1 = clean)."""
    n = p.n
    k = int(round(n * rate))
    err = np.full(n, -1)
    pool = rng.permutation(n)
    ids = p.v["id_number"]
    canonical = p.v["_category"]
    eligible = {
        "missing_document": np.isin(canonical, HANDED[:3]),
        "id_as_number": np.char.endswith(ids.astype(str), "X") == False,  # noqa: E712
        "duplicate_id": np.arange(n) > 0,
    }
    for e, name in enumerate(ERROR_KINDS):
        ok = eligible.get(name, np.ones(n, bool))[pool] & (err[pool] == -1)
        rows = pool[ok][:k]
        err[rows] = e
    for e, name in enumerate(ERROR_KINDS):
        rows = np.flatnonzero(err == e)
        m = len(rows)
        if name == "id_checksum":
            last = np.array([s[17] for s in ids[rows]])
            pos = np.searchsorted(np.array(list("0123456789X")), last)
            wrong = np.array(list("0123456789X"))[(pos + rng.integers(1, 11, m)) % 11]
            c["id_number"][rows] = np.char.add(np.array([s[:17] for s in ids[rows]]), wrong)
        elif name == "bad_date":
            f = np.array(DATE_FIELDS)[rng.integers(0, 3, m)]
            y = p.by[rows] + np.where(f == "birth_date", 0, 55)
            form = rng.integers(0, 3, m)
            bad = np.where(form == 0, cat(y, "年13月"), np.where(form == 1, cat(y, "-02-30"), "不详"))
            for field in DATE_FIELDS:
                sel = f == field
                c[field][rows[sel]] = bad[sel]
                c[f"_norm_{field}"][rows[sel]] = None
        elif name == "gender_mismatch":
            c["gender"][rows] = np.where(p.male[rows], "女", "男")
        elif name == "missing_value":
            f = np.array(["name", "id_number", "category", "retire_date", "residence"])[rng.integers(0, 5, m)]
            for field in set(f.tolist()):
                c[field][rows[f == field]] = None
                if field in DATE_FIELDS:
                    c[f"_norm_{field}"][rows[f == field]] = None
        elif name == "invalid_category":
            c["category"][rows] = np.array(["临时工", "合同工"], dtype=object)[rng.integers(0, 2, m)]
        elif name == "missing_document":
            f = np.array(DOC_FIELDS)[rng.integers(0, len(DOC_FIELDS), m)]
            for field in set(f.tolist()):
                c[field][rows[f == field]] = "无"
        elif name == "duplicate_id":
            clean = np.flatnonzero(err == -1)
            hi = np.searchsorted(clean, rows)  # clean rows before each duplicate
            src = clean[(rng.random(m) * np.maximum(hi, 1)).astype(int)]
            for field, col in c.items():
                if field != "seq":
                    col[rows] = col[src]
        elif name == "id_as_number":
            as_int = [int(s) for s in ids[rows]]
            c["id_number"][rows] = ([float(f"{v:.15g}") for v in as_int] if kind == "xlsx"
                                    else [f"{float(v):.14E}" for v in as_int])
    return err


# ---------------------------------------------------------------------------------------------
# writers
# ---------------------------------------------------------------------------------------------

def write_xlsx(path: Path, c: dict[str, np.ndarray], enterprise: str, credit: str, shared_strings: bool = False) -> None:
    """One title row (merged), one header row of sample A's headers, then the people; written
    with xlsxwriter in constant_memory mode (inline strings, row by row), or with the shared-string
    table Excel itself writes (``shared_strings``: slower, more memory)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": not shared_strings})
    wb.set_properties({"created": datetime(2026, 11, 23)})
    ws = wb.add_worksheet("移交汇总表")
    f_title = wb.add_format({"bold": True, "font_size": 14, "align": "center"})
    f_head = wb.add_format({"bold": True, "border": 1, "align": "center", "text_wrap": True})
    f_text = wb.add_format({"border": 1, "num_format": "@"})
    f_gen = wb.add_format({"border": 1})
    f_date = wb.add_format({"border": 1, "num_format": "yyyy-mm-dd"})
    f_money = wb.add_format({"border": 1, "num_format": "0.00"})
    width = len(A_COLUMNS)
    for j, (key, _) in enumerate(A_COLUMNS):
        ws.set_column(j, j, {"id_number": 21, "residence": 36, "household_address": 36, "bank_account": 22}.get(key, 11))
    ws.merge_range(0, 0, 0, width - 1, f"{TITLE}    填报单位：{enterprise}（盖章）    统一社会信用代码：{credit}", f_title)
    for j, (_, header) in enumerate(A_COLUMNS):
        ws.write_string(1, j, header, f_head)
    columns = [c[key].tolist() for key, _ in A_COLUMNS]
    ws_str, ws_num, ws_dt = ws.write_string, ws.write_number, ws.write_datetime
    money = {j for j, (key, _) in enumerate(A_COLUMNS) if key == "pension"}
    for i, row in enumerate(zip(*columns, strict=True), start=2):
        for j, v in enumerate(row):
            t = type(v)
            if t is str:
                if v:
                    ws_str(i, j, v, f_text)
            elif v is None:
                continue
            elif t is int:
                ws_num(i, j, v, f_gen)
            elif t is float:
                ws_num(i, j, v, f_money if j in money else f_gen)
            else:
                ws_dt(i, j, v, f_date)
    wb.close()


def write_csv(path: Path, header: list[str], columns: list, bom: bool = False) -> None:
    """Unquoted CSV (as Excel exports it; pyarrow refuses a value that would need quotes),
    UTF-8, optionally with a BOM; None is written as an empty field."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{j}" for j in range(len(columns))]
    def arrow(col) -> pa.Array:
        a = np.asarray(col)
        if a.dtype.kind in "iu":
            return pa.array(a).cast(pa.string())
        return pa.array(a.astype(object) if a.dtype.kind == "U" else a, type=pa.string())

    table = pa.table({k: arrow(col) for k, col in zip(names, columns, strict=True)})
    with path.open("wb") as fh:
        if bom:
            fh.write(b"\xef\xbb\xbf")
        fh.write((",".join(header) + "\n").encode("utf-8"))
        pacsv.write_csv(table, fh, pacsv.WriteOptions(include_header=False, quoting_style="none"))


def _text_col(a: np.ndarray) -> np.ndarray:
    return np.asarray(a, dtype=object)


# ---------------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------------

def enterprises(n_ent: int, seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    names = [f"扬州市{w}{k}" for w in ENTERPRISE_WORDS for k in ENTERPRISE_KINDS]
    rng.shuffle(names)
    return names[:n_ent], [make_uscc(rng, rng.choice(["321002", "321003", "321012", "321081"])) for _ in range(n_ent)]


def generate(sizes: list[str], out: Path = DATA, rate: float = 0.01, assigned_1m: bool = True, log=print,
             shared_strings: bool = False) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    policy = tomllib.loads(POLICY.read_text(encoding="utf-8"))
    for key, header in A_COLUMNS:
        assert header == policy["fields"][key]["header"] or header in policy["fields"][key]["aliases"], header
    t0 = time.perf_counter()
    units = build_catalog()
    county_names = {u.code: u.name for u in units if u.level == "county"}
    stems = address_stems(units)
    check_stems(units, stems, {c: [f"江苏省扬州市{n}", f"扬州市{n}", n] for c, n in county_names.items()})
    from faker import Faker

    fake = Faker("zh_CN")
    fake.seed_instance(SEED)
    rows = write_catalog(out / "catalog.csv", units, fake, SEED)
    contacts = {r[0]: (r[5], r[6], r[7]) for r in rows}
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    manifest.update({"seed": SEED, "error_rate_per_kind": rate, "catalog": {"file": "catalog.csv", "units": len(units)}})
    manifest.setdefault("sizes", {})
    log(f"catalogue: {len(units)} units, {len(stems)} address stems ({time.perf_counter() - t0:.1f} s)")
    (out / "frictionless.schema.json").write_text(json.dumps(frictionless_schema(policy), ensure_ascii=False, indent=1), encoding="utf-8")
    for size in sizes:
        t = time.perf_counter()
        n, kind = SIZES[size], FORMAT[size]
        seed = SEED + list(SIZES).index(size) * 1000
        p = draw(n, seed, stems, county_names)
        rng = np.random.default_rng(seed + 1)
        c = cells(p, rng, kind)
        err = inject(p, c, rng, rate, kind)
        entry: dict = {"people": n, "format": kind, "errors": {k: int((err == e).sum()) for e, k in enumerate(ERROR_KINDS)}}
        if kind == "xlsx":
            credit1 = make_uscc(random.Random(seed), "321002")
            ent, credit = np.full(n, GROUP, dtype=object), np.full(n, credit1, dtype=object)
            path = out / f"people-{size}.xlsx"
            write_xlsx(path, c, GROUP, credit1)
            if shared_strings:
                write_xlsx(out / f"people-{size}-sst.xlsx", c, GROUP, credit1, shared_strings=True)
        else:
            names, codes = enterprises(50, seed)
            pick = np.random.default_rng(seed + 2).integers(0, len(names), n)
            ent, credit = np.array(names, dtype=object)[pick], np.array(codes, dtype=object)[pick]
            c["enterprise"], c["credit_code"] = ent, credit
            fields = list(policy["fields"])
            path = out / f"people-{size}.csv"
            write_csv(path, [policy["fields"][f]["header"] for f in fields],
                      [_text_col(c[f]) if f in c else [""] * n for f in fields])
        entry["file"] = path.name
        write_csv(out / f"targets-{size}.csv", ["scope", "key", "name", "target", "deadline", "min_rate"],
                  list(zip(*targets(p, ent, credit, units), strict=True)), bom=True)
        entry["targets"] = f"targets-{size}.csv"
        if size == "1m" and assigned_1m:
            from retiree_tools.assign.contract import headers

            a = assigned_frame(p, c, err, ent, credit, units, contacts, path.name, policy)
            write_csv(out / "assigned-1m.csv", headers("zh"), list(a.values()), bom=True)
            entry["assigned"] = "assigned-1m.csv"
            entry["assigned_status"] = {s: int((a["status"] == s).sum()) for s in ("assigned", "excluded", "review", "rejected")}
        entry["seconds"] = round(time.perf_counter() - t, 1)
        manifest["sizes"][size] = entry
        log(f"{size}: {path.name} {path.stat().st_size / 2**20:.0f} MB, errors {sum(entry['errors'].values())} "
            f"({entry['seconds']} s)")
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks generate", description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10k,100k,1m", help="comma-separated: 10k,100k,1m")
    ap.add_argument("--error-rate", type=float, default=0.01, help="share of rows per error kind (default 0.01)")
    ap.add_argument("--out", type=Path, default=DATA)
    ap.add_argument("--shared-strings", action="store_true",
                    help="also write people-SIZE-sst.xlsx with a shared-string table, as Excel saves (for comparison)")
    args = ap.parse_args(argv)
    sizes = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    unknown = set(sizes) - set(SIZES)
    if unknown:
        ap.error(f"unknown sizes: {', '.join(sorted(unknown))}")
    generate(sizes, args.out, args.error_rate, shared_strings=args.shared_strings)


if __name__ == "__main__":
    main()
