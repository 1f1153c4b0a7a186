"""The small fixed batch the render-forms tests share, written as real assigned files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from retiree_tools.assign.writer import write_assigned

DATE = "2025-06-30"
ENT_A = "扬州市第一机械厂"
ENT_EVIL = "../../evil"
CREDIT_A = "91321000140123456X"
_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def make_id(area: str, birth: str, seq: int) -> str:
    body = f"{area}{birth}{seq:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _WEIGHTS, strict=True)) % 11]


WENHE = {"county_code": "321002", "county_name": "广陵区", "unit_code": "321002001", "unit_name": "汶河街道",
         "unit_level": "街道", "office_address": "扬州市广陵区汶河北路 18 号", "contact_person": "刘敏",
         "contact_phone": "0514-87340001"}
DONGGUAN = {"county_code": "321002", "county_name": "广陵区", "unit_code": "321002002", "unit_name": "东关街道",
            "unit_level": "街道", "office_address": "扬州市广陵区东关街 66 号", "contact_person": "陈静",
            "contact_phone": "0514-87340002"}
HANJIANG = {"county_code": "321003", "county_name": "邗江区", "unit_code": "321003001", "unit_name": "邗上街道",
            "unit_level": "街道", "office_address": "扬州市邗江区邗上路 9 号", "contact_person": "王强",
            "contact_phone": "0514-87340003"}
DOCS_ALL = {k: "是" for k in ("doc_registration", "doc_agreement", "doc_id_copy", "doc_transfer_agreement",
                               "doc_file", "doc_passbook")}


def _person(n: int, name: str, male: bool, birth: str, **kw: object) -> dict[str, object]:
    base: dict[str, object] = {
        "file": "移交表.xlsx", "row": n + 3, "enterprise": ENT_A, "credit_code": CREDIT_A, "name": name,
        "gender": "男" if male else "女", "id_number": make_id("321002", birth, 10 + 2 * n + (1 if male else 0)),
        "birth_date": f"{birth[:4]}-{birth[4:6]}-{birth[6:]}", "work_start": "1978-09", "retire_date": "2015-06",
        "category": "企业退休人员", "cadre_level": "无", "household_address": "扬州市广陵区汶河街道琼花路 1 号",
        "medical_location": "扬州市广陵区", "residence": "扬州市广陵区汶河街道琼花路 1 号", "pension": 3200.5 + n,
        "bank_account": f"62170000000000{n:05d}", "phone": f"1391234{n:04d}", "family_contact": f"家属 1380000{n:04d}",
        "party_member": "否", **DOCS_ALL, "status": "assigned", "rule": "medical_insurance",
        "evidence": "医保关系所在地：扬州市广陵区", "reason": "", "flags": "", "file_transfer": "是",
        "party_org": "", "findings": "",
    }
    base.update(kw)
    return base


def batch_frame() -> pd.DataFrame:
    """7 people, 2 enterprises, 3 receiving units in 2 counties; 5 assigned, 1 excluded,
    1 in review; a formula-like family contact, a <script> name, an enterprise ``../../evil``."""
    people = [
        _person(1, "张三", True, "19550312", party_member="是", party_org="汶河街道党工委", **WENHE),
        _person(2, "李四", False, "19620805", family_contact='=HYPERLINK("x")', doc_passbook="否", **WENHE),
        _person(3, "王<script>alert(1)</script>", True, "19580101", **DONGGUAN),
        _person(4, "赵六", True, "19560720", enterprise=ENT_EVIL, credit_code="", category="县级以上党委管理的企业退休领导干部",
                cadre_level="县级以上党委管理", file_transfer="否", doc_file="否", **DONGGUAN),
        _person(5, "钱七", False, "19400211", category="离休人员", status="excluded", rule="",
                reason="离休人员，保持现行管理", county_code="321002", county_name="广陵区"),
        _person(6, "孙八", True, "19600909", status="review", rule="", reason="居住地址无法对应接收单位"),
        _person(7, "周九", False, "19630415", household_address="扬州市邗江区邗上街道", **HANJIANG),
    ]
    return pd.DataFrame(people)


def write_batch(tmp_path: Path, suffix: str = ".xlsx", frame: pd.DataFrame | None = None) -> Path:
    path = tmp_path / "in" / f"assigned{suffix}"
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_assigned(batch_frame() if frame is None else frame, path)
