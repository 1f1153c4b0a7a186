"""The assigned file's contract between ``assign`` (writer) and ``render-forms`` /
``acceptance-report`` (readers): its columns in order, their headers, the person statuses.
One row per input person, in input order, Chinese headers (``--lang en``: English).

Value conventions: ``status`` is one of :data:`STATUSES`; ``rule`` is the policy's rule name
(``medical_insurance``, ``household``, ``residence``; the provincial centre's people are flagged
``provincial_centre``) or empty; ``flags``
and ``findings`` are codes joined with ``;``; yes/no columns hold 是/否.
"""

from __future__ import annotations

STATUSES = ("assigned", "excluded", "review", "rejected")

# key, Chinese header, English header
COLUMNS: list[tuple[str, str, str]] = [
    ("file", "来源文件", "Source file"),
    ("row", "行号", "Row"),
    ("enterprise", "原工作单位", "Enterprise"),
    ("credit_code", "统一社会信用代码", "Credit code"),
    ("name", "姓名", "Name"),
    ("gender", "性别", "Gender"),
    ("id_number", "身份证号码", "ID number"),
    ("birth_date", "出生年月", "Birth date"),
    ("work_start", "参加工作时间", "Work start"),
    ("retire_date", "退休时间", "Retirement"),
    ("category", "人员类别", "Category"),
    ("cadre_level", "干部管理权限", "Cadre level"),
    ("household_address", "户籍所在地", "Household registration"),
    ("medical_location", "医保关系所在地", "Medical insurance location"),
    ("residence", "长期居住地", "Residence"),
    ("pension", "养老金标准", "Monthly pension"),
    ("bank_account", "养老金存折账号", "Pension account"),
    ("phone", "联系电话", "Phone"),
    ("family_contact", "家属联系人及电话", "Family contact"),
    ("party_member", "是否党员", "Party member"),
    ("doc_registration", "个人情况登记表", "Registration form"),
    ("doc_agreement", "服务协议书", "Service agreement"),
    ("doc_id_copy", "身份证户口本复印件", "ID/household copies"),
    ("doc_transfer_agreement", "移交协议书", "Transfer agreement"),
    ("doc_file", "人事档案", "Personnel file"),
    ("doc_passbook", "存折复印件", "Passbook copy"),
    ("status", "状态", "Status"),
    ("county_code", "区县代码", "County code"),
    ("county_name", "区县", "County"),
    ("unit_code", "接收单位代码", "Unit code"),
    ("unit_name", "接收单位", "Unit"),
    ("unit_level", "接收单位层级", "Unit level"),
    ("rule", "决定规则", "Rule"),
    ("evidence", "决定依据", "Evidence"),
    ("reason", "原因说明", "Reason"),
    ("flags", "标记", "Flags"),
    ("file_transfer", "档案移交", "File transferred"),
    ("party_org", "党组织关系去向", "Party organisation"),
    ("findings", "问题代码", "Finding codes"),
    ("office_address", "接收单位办公地址", "Unit office address"),
    ("contact_person", "接收单位联系人", "Unit contact person"),
    ("contact_phone", "接收单位联系电话", "Unit contact phone"),
]
KEYS = [k for k, _, _ in COLUMNS]
DOC_KEYS = [k for k in KEYS if k.startswith("doc_")]
YESNO_KEYS = [*DOC_KEYS, "party_member", "file_transfer"]


# what assign decides per person (the rest of a row is the validated input)
DECISION_KEYS = ("status", "county_code", "county_name", "unit_code", "unit_name", "unit_level", "rule", "evidence",
                 "reason", "flags", "office_address", "contact_person", "contact_phone")
# the per-person entries of assign's JSON (``people``)
PERSON_JSON_KEYS = ("file", "row", "id_number", "name", "status", "county_code", "unit_code", "rule", "evidence",
                    "reason", "findings", "flags", "file_transfer", "party_org")


def headers(lang: str = "zh") -> list[str]:
    return [en if lang == "en" else zh for _, zh, en in COLUMNS]


def status_text(status: str | None, lang: str = "zh") -> str:
    """A person's status in words (an unknown value shown as written)."""
    from retiree_tools.texts import has, tr

    return tr(f"status.{status}", lang) if status and has(f"status.{status}") else (status or "")


