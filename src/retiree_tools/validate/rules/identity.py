"""Identity checks: the citizen ID (format, check character, birth date, area, duplicates), the
dates, their agreement with the ID, and the statutory retirement age."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from retiree_tools.domain import dates, idcard
from retiree_tools.domain.retirement import fmt_age
from retiree_tools.policy.model import Policy
from retiree_tools.validate.rules.base import (
    CallState,
    Emitter,
    FileContext,
    arrow_of,
    matches_mask,
)


@dataclass
class IdParts:
    """What the 18-digit IDs say, per row (0 / False where the ID is not 18 characters)."""

    year: np.ndarray
    month: np.ndarray
    day: np.ndarray
    male: np.ndarray


def check_ids(em: Emitter, frame: pd.DataFrame, state: CallState, ctx: FileContext) -> tuple[pd.Series, np.ndarray, IdParts]:
    import pyarrow.compute as pc

    m = len(frame)
    ids_pa = pc.utf8_upper(pc.replace_substring_regex(arrow_of(frame["id_number"]), "[ -]", ""))
    arr = np.array(ids_pa.to_pylist(), dtype=object)
    present = ids_pa.is_valid().to_numpy(zero_copy_only=False)
    is18 = matches_mask(ids_pa, r"^\d{17}[\dX]$")
    is15 = matches_mask(ids_pa, r"^\d{15}$")
    # a number Excel kept as a float: only rows that fail a check are looked at (few)
    suspect = np.flatnonzero(present & ~is18)
    floaty = np.zeros(m, bool)
    floaty[suspect] = [idcard.looks_like_float(arr[p]) for p in suspect]
    # legacy 15-digit numbers: convert, warn
    upgraded = np.flatnonzero(is15 & ~floaty)
    for pos in upgraded:
        conv = idcard.upgrade_15(arr[pos])
        em.emit("id-legacy", "id_number", [pos], [arr[pos]], converted=conv)
        arr[pos] = conv
        is18[pos] = True
    idx = np.flatnonzero(is18)
    expected, check_ok, by, bm, bd, birth_valid, male = idcard.parts18(_codes18(ids_pa, arr, idx, upgraded), state.today)
    parts = IdParts(np.zeros(m, np.int64), np.zeros(m, np.int64), np.zeros(m, np.int64), np.zeros(m, bool))
    parts.year[idx], parts.month[idx], parts.day[idx], parts.male[idx] = by, bm, bd, male
    checksum_bad = np.zeros(m, bool)
    checksum_bad[idx[~check_ok]] = True
    birth_ok = np.zeros(m, bool)
    birth_ok[idx] = birth_valid
    suspect = np.flatnonzero(checksum_bad)
    floaty[suspect] = [idcard.looks_like_float(arr[p]) for p in suspect]
    lost = checksum_bad & floaty
    em.emit("id-precision-lost", "id_number", np.flatnonzero(lost), arr[lost])
    only_bad = checksum_bad & ~floaty
    exp_map = dict(zip(idx.tolist(), expected.tolist(), strict=True))
    em.emit("id-checksum", "id_number", np.flatnonzero(only_bad), arr[only_bad],
            expected=[exp_map[i] for i in np.flatnonzero(only_bad)])
    fmt_bad = present & ~is18 & ~is15
    lost_fmt = fmt_bad & floaty
    em.emit("id-precision-lost", "id_number", np.flatnonzero(lost_fmt), arr[lost_fmt])
    em.emit("id-format", "id_number", np.flatnonzero(fmt_bad & ~floaty), arr[fmt_bad & ~floaty])
    bad_birth = is18 & ~birth_ok & ~checksum_bad
    em.emit("id-birthdate", "id_number", np.flatnonzero(bad_birth), arr[bad_birth],
            birth=[arr[p][6:14] for p in np.flatnonzero(bad_birth)])
    ok = is18 & ~checksum_bad & birth_ok
    if (lost | lost_fmt).any():
        # the column holds numbers Excel kept to 15 digits: one of eleven such numbers still has
        # a fitting check character, so in this column a valid-looking ID that is exactly such a
        # number is as lost as the others (a real text ID is one in about a thousand)
        from retiree_tools.validate.rules.values import float_like_digits

        suspect = np.flatnonzero(ok & float_like_digits(ids_pa))
        also = suspect[[idcard.looks_like_float(arr[p]) for p in suspect]] if len(suspect) else suspect
        em.emit("id-precision-lost", "id_number", also, arr[also])
        ok[also] = False
    # unknown area codes: a warning, checked once per distinct code
    if em.policy.thresholds.warn_unknown_area_code and ok.any():
        # once per distinct area code (an upgraded 15-digit ID keeps its first six characters)
        areas = pc.dictionary_encode(pc.utf8_slice_codeunits(ids_pa, 0, 6))
        known = np.array([a is None or idcard.area_known(a) for a in areas.dictionary.to_pylist()] + [True])
        pos = np.flatnonzero(ok & ~known[pc.fill_null(areas.indices, -1).to_numpy(zero_copy_only=False)])
        em.emit("id-area-unknown", "id_number", pos, arr[pos], area=[arr[p][:6] for p in pos])
    _duplicates(em, state, ctx, arr, ok)
    return pd.Series(arr, index=frame.index, dtype=object), ok, parts


def _duplicates(em: Emitter, state: CallState, ctx: FileContext, arr: np.ndarray, ok: np.ndarray) -> None:
    """id-duplicate on every later occurrence of an ID, within and across the chunks and files
    of the call (state.seen_ids remembers where each ID was first seen)."""
    seen = state.seen_ids
    pos_ok = np.flatnonzero(ok)
    if not len(pos_ok):
        return
    labels = state.seen_labels
    if not labels or labels[-1] != ctx.label:
        labels.append(ctx.label)
    here = (len(labels) - 1) << 32
    codes, uniq = pd.factorize(arr[pos_ok])
    _, first_at = np.unique(codes, return_index=True)  # where each distinct ID first occurs here
    uniq = uniq.tolist() if hasattr(uniq, "tolist") else list(uniq)
    prior = np.array(list(map(seen.get, uniq)), dtype=object)
    before = prior != None  # noqa: E711 - elementwise
    first_rows = em.rows[pos_ok[first_at]].astype(np.int64)
    seen.update(zip(itertools.compress(uniq, ~before), (here + first_rows[~before]).tolist(), strict=True))
    dup = (np.arange(len(pos_ok)) != first_at[codes]) | before[codes]
    where = []
    for c in codes[dup].tolist():
        packed = prior[c] if before[c] else here + int(first_rows[c])
        label, row = labels[packed >> 32], packed & 0xFFFFFFFF
        row_ref = f"row {row}" if ctx.lang == "en" else f"第 {row} 行"
        where.append(row_ref if label == ctx.label else f"{label} {row_ref}")
    pos = pos_ok[dup]
    em.emit("id-duplicate", "id_number", pos, arr[pos], other=where)


def _codes18(ids_pa, arr: np.ndarray, idx: np.ndarray, upgraded: np.ndarray) -> np.ndarray:
    """The 18 ASCII codes of each ID at ``idx`` (all matched ``^\\d{17}[\\dX]$``), read straight
    from the Arrow buffer; from the Python strings when some were upgraded from 15 digits."""
    import pyarrow as pa
    import pyarrow.compute as pc

    width = {pa.string(): np.int32, pa.large_string(): np.int64}.get(ids_pa.type)
    if len(upgraded) or not len(idx) or width is None:
        return np.frombuffer(arr[idx].astype("<U18").tobytes(), dtype=np.uint32).reshape(-1, 18).astype(np.uint8)
    mask = np.zeros(len(arr), bool)
    mask[idx] = True
    f = pc.filter(ids_pa, pa.array(mask))
    offsets = np.frombuffer(f.buffers()[1], dtype=width)[f.offset:f.offset + len(f) + 1]
    return np.frombuffer(f.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]].reshape(-1, 18)


def check_dates(em: Emitter, frame: pd.DataFrame, policy: Policy, state: CallState) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Parse date fields; return {field: (month_index, day)} with month_index = y*12+m-1, -1 unknown."""
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    today_ym = state.today.year * 12 + state.today.month - 1
    for key, spec in policy.fields.items():
        if spec.kind not in ("date", "month"):
            continue
        s = frame[key]
        y, mo, d = dates.parse_column(s)
        present = s.notna().to_numpy()
        invalid = present & ((y == 0) | (y < policy.thresholds.earliest_birth_year))
        if key in em.ctx.layout.columns:
            em.emit("date-invalid", key, np.flatnonzero(invalid), s[invalid].tolist())
        ym = np.where(invalid | ~present, -1, y * 12 + mo - 1)
        future = (ym > today_ym) | ((ym == today_ym) & (d > state.today.day))
        em.emit("date-future", key, np.flatnonzero(future), s[future].tolist())
        ym = np.where(future, -1, ym)
        frame[key] = dates.format_column(y, mo, d, ym >= 0)
        out[key] = (ym, d)
    order = [("birth_date", "work_start"), ("work_start", "retire_date"), ("birth_date", "retire_date")]
    for early, late in order:
        if early not in out or late not in out:
            continue
        a, b = out[early][0], out[late][0]
        bad = (a >= 0) & (b >= 0) & (a >= b)
        if early == "birth_date" and late == "retire_date" and "work_start" in em.ctx.layout.columns:
            bad &= out["work_start"][0] < 0  # already reported through work_start
        h1, h2 = policy.fields[early].header, policy.fields[late].header
        detail = f"“{h1}”应早于“{h2}”" if em.ctx.lang != "en" else f"'{h1}' must be before '{h2}'"
        em.emit("date-order", late, np.flatnonzero(bad), frame[late][bad].tolist(), detail=detail)
    return out


def check_id_consistency(em: Emitter, frame: pd.DataFrame, ok: np.ndarray, parts: IdParts, ym) -> None:
    if not ok.any():
        return
    id_y, id_m, id_d = parts.year, parts.month, parts.day
    sex = np.where(ok, np.where(parts.male, "男", "女"), "").astype(object)
    if "birth_date" in ym and "birth_date" in em.ctx.layout.columns:
        b_ym, b_d = ym["birth_date"]
        id_ym = id_y * 12 + id_m - 1
        bad = ok & (b_ym >= 0) & ((b_ym != id_ym) | ((b_d > 0) & (b_d != id_d)))
        pos = np.flatnonzero(bad)
        em.emit("birthdate-mismatch", "birth_date", pos, frame["birth_date"].iloc[pos].tolist(),
                expected=[dates.fmt(id_y[p], id_m[p], id_d[p]) for p in pos])
    if "gender" in em.ctx.layout.columns:
        g = frame["gender"].to_numpy(dtype=object)
        bad = ok & np.array([isinstance(x, str) for x in g]) & (g != sex)
        pos = np.flatnonzero(bad)
        em.emit("gender-mismatch", "gender", pos, g[pos].tolist(), expected=sex[pos].tolist())
    else:
        frame["gender"] = np.where(ok, sex, None)
    # fill the derived birth date and gender where blank
    fill = ok & frame["birth_date"].isna().to_numpy()
    if fill.any():
        frame.loc[fill, "birth_date"] = [dates.fmt(id_y[p], id_m[p], id_d[p]) for p in np.flatnonzero(fill)]
    fill = ok & frame["gender"].isna().to_numpy()
    if fill.any():
        frame.loc[fill, "gender"] = sex[fill]


def check_retirement_age(em: Emitter, frame, ids, ok, parts: IdParts, ym, policy: Policy, state: CallState) -> None:
    from retiree_tools.domain.retirement import statutory_age_months_array

    if "retire_date" not in ym:
        return
    r_ym = ym["retire_date"][0]
    arr = ids.to_numpy(dtype=object)
    g = frame["gender"].to_numpy(dtype=object)
    post = frame["post"].to_numpy(dtype=object)
    lang = em.ctx.lang
    pos = np.flatnonzero(ok)
    if not len(pos):
        return
    by, bm = parts.year[pos], parts.month[pos]
    b_ym = by * 12 + bm - 1
    today_ym = state.today.year * 12 + state.today.month - 1
    age_now = (today_ym - b_ym) // 12
    old = age_now > policy.thresholds.max_age_years
    em.emit("age-implausible", "id_number", pos[old], arr[pos[old]], age=age_now[old].tolist())
    male = g[pos] == "男"
    known = male | (g[pos] == "女")
    statutory = statutory_age_months_array(by, bm, male, post[pos] == "干部")
    age = r_ym[pos] - b_ym
    early = known & (r_ym[pos] >= 0) & (age < statutory - policy.thresholds.retirement_age_tolerance_months)
    flagged = pos[early]
    bases = []
    for is_male, is_cadre in zip(male[early], post[flagged] == "干部", strict=True):
        basis = "男" if is_male else ("女干部" if is_cadre else "女工人")
        bases.append(basis if lang != "en" else {"男": "man", "女干部": "woman cadre", "女工人": "woman worker"}[basis])
    em.emit("retirement-age", "retire_date", flagged, frame["retire_date"].iloc[flagged].tolist(),
            age=[fmt_age(int(a), lang) for a in age[early]], statutory=[fmt_age(int(a), lang) for a in statutory[early]],
            basis=bases)
