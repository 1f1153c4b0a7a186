"""How enterprise HR offices really word a retiree transfer workbook (企业退休人员社会化管理移交名单):
header wordings per canonical field, the ways a clerk writes a person category, yes/no and document
marks, 政治面貌 values, gender spellings and the non-person rows (footers, totals, section rows …)
found in a roster sheet.

Pure data: nothing here imports ``retiree_tools``. The wordings were written from knowledge of how
Chinese offices lay out such sheets, not copied from the project's policy, so they can test whether
the intake recogniser generalises beyond the wordings its authors listed.

KNOWN / HELD-BACK SPLIT
-----------------------
Every list is split by one fixed, deterministic rule (:func:`split`): the first item (the canonical
wording, or the most common mark) is always *known*; of the items after it, every third one starting
with the second (list positions 2, 5, 8, 11, 14 …) is *held back*. That holds back roughly one third.

    The held-back part (``HELD_BACK_*``) must NEVER be copied into src/, into the policy file
    (src/retiree_tools/policy/policy.toml) or into any other list the recogniser reads. It exists
    only to measure generalisation: a recogniser that passes on held-back wordings because someone
    pasted them in has learnt nothing. Adding a *known* wording to the policy is fine.

Header wordings may contain line breaks (``"身份证\\n号码"``, as typed with Alt+Enter in a cell),
ASCII or full-width spaces, full-width or ASCII brackets with notes and required marks (``*``).
"""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def split(values: list[T]) -> tuple[list[T], list[T]]:
    """(known, held_back): item 0 is known; after it, list positions 2, 5, 8, … are held back."""
    known: list[T] = []
    held: list[T] = []
    for i, v in enumerate(values):
        (held if i >= 1 and (i - 1) % 3 == 1 else known).append(v)
    return known, held


# ---------------------------------------------------------------------------------------------
# Header wordings (canonical first)
# ---------------------------------------------------------------------------------------------

HEADER_VARIANTS: dict[str, list[str]] = {
    "seq": ["序号", "序  号", "编号", "序\n号", "No.", "顺序号", "*序号", "序次", "NO", "排序号", "序 号"],
    "enterprise": ["原工作单位", "原单位", "工作单位", "原工作\n单位", "单位名称", "原工作单位名称",
                   "退休前工作单位", "企业名称", "原所在单位", "移交单位", "*原工作单位", "所属企业",
                   "原单位名称"],
    "credit_code": ["统一社会信用代码", "社会信用代码", "单位统一社会信用代码", "统一社会\n信用代码",
                    "信用代码", "统一社会信用代码（18位）", "组织机构代码", "企业信用代码", "统一信用代码",
                    "单位社会信用代码", "纳税人识别号", "统一社会信用代码(组织机构代码)"],
    "name": ["姓名", "姓  名", "*姓名", "职工姓名", "退休人员姓名", "姓\n名", "人员姓名", "姓 名",
             "离退休人员姓名", "名字", "姓名*", "退休职工姓名", "姓\u3000名"],
    "gender": ["性别", "性  别", "*性别", "性别（男/女）", "性\n别", "男/女", "姓别", "性 别",
               "性别(男、女)", "性别*", "性\u3000别"],
    "id_number": ["身份证号码", "公民身份号码", "身份证号", "身份证\n号码", "证件号码", "*身份证号码",
                  "身份证号码(18位)", "居民身份证号码", "社会保障号码", "公民身份证号码", "身份证件号码",
                  "社保卡号", "身份证号码（18位，末位X大写）", "身份号码"],
    "birth_date": ["出生年月", "出生日期", "出生年月日", "出生\n年月", "出生时间", "出生年月（年.月）",
                   "生日", "出生 年月", "*出生年月", "出生年月(以身份证为准)", "出生年份", "出生\n日期"],
    "work_start": ["参加工作时间", "参加工作日期", "工作时间", "参加工作\n时间", "参工时间", "参加工作年月",
                   "首次参加工作时间", "工龄起算时间", "参加工作时间(年月)", "参工日期", "参加革命工作时间",
                   "*参加工作时间", "入职时间"],
    "retire_date": ["退休时间", "退休日期", "离退休时间", "退休\n时间", "退休年月", "办理退休时间",
                    "离退休日期", "退（离）休时间", "退休审批时间", "*退休时间", "退休批准时间",
                    "离（退）休日期", "正式退休时间"],
    "category": ["人员类别", "人员身份", "离退休类别", "人员\n类别", "人员类型", "类别", "退休类别",
                 "身份类别", "离退休人员类别", "*人员类别", "人员分类", "人员性质", "退休人员类别"],
    "post": ["退休前岗位", "岗位", "退休前岗位（干部/工人）", "干部/工人", "退休前\n岗位", "身份（干部/工人）",
             "退休时岗位", "岗位性质", "工人/干部", "干部或工人", "原岗位性质", "退休前身份(干部/工人)"],
    "cadre_level": ["干部管理权限", "管理权限", "干部管理\n权限", "干部管理权限（无/县级以上党委管理/中央管理）",
                    "干部权限", "干部管理级别", "干部任免权限", "管理层级", "干部级别", "干部隶属关系",
                    "干部管理权限(县管/中管)", "*干部管理权限"],
    "household_address": ["户籍所在地", "户籍地址", "户口所在地", "户籍\n所在地", "户籍地", "户口地址",
                          "户籍所在地址", "户口所在地（详细地址）", "户口登记地", "常住户口所在地",
                          "*户籍所在地", "户籍所在地(省市县)", "户籍住址"],
    "medical_location": ["医保关系所在地", "医保所在地", "医疗保险关系所在地", "医保关系\n所在地", "医保参保地",
                         "医保关系", "医疗保险参保地", "医保归属地", "医疗关系所在地", "*医保关系所在地",
                         "医保统筹地区", "医保关系所在地（县区）"],
    "residence": ["长期居住地", "现住址", "家庭住址", "现居住地址", "长期居住地址", "居住地址", "现居住地",
                  "常住地址", "现家庭住址", "实际居住地", "现居住\n地址", "联系地址", "居住地（详细到门牌号）",
                  "长期\n居住地"],
    "provincial_pension": ["在省社保中心领取待遇", "是否在省社保中心领取待遇", "省社保中心领取",
                           "在省社保\n中心领取待遇", "是否省社保中心发放", "省社保领取（是/否）",
                           "待遇是否由省社保中心发放", "在省中心领取待遇", "省社保中心发放",
                           "省级社保中心领取待遇", "是否在省社保中心领取养老金"],
    "pension": ["养老金标准", "养老金（元/月）", "月养老金", "基本养老金", "养老金\n(元)", "养老金额",
                "月养老金额（元）", "养老金标准(元/月)", "待遇标准", "月基本养老金", "退休金", "养老金数额",
                "每月养老金（元）", "养老待遇(元)"],
    "bank_account": ["养老金存折账号", "存折账号", "银行账号", "养老金账号", "银行卡号", "社保卡银行账号",
                     "发放账号", "养老金存折\n账号", "存折号", "养老金发放账号", "银行帐号", "代发账号(19位)",
                     "养老金银行卡号", "开户账号"],
    "phone": ["联系电话", "电话", "手机", "手机号码", "联系方式", "本人电话", "联系\n电话", "本人联系电话",
              "电话号码", "手机号", "联系电话(手机)", "*联系电话", "移动电话", "电  话"],
    "family_contact": ["家属联系人及电话", "家属联系人", "家属联系电话", "紧急联系人", "紧急联系人及电话",
                       "亲属联系人及电话", "家属姓名及电话", "家属联系人\n及电话", "直系亲属及联系方式",
                       "子女联系电话", "联系人（家属）及电话", "家属及联系方式"],
    "party_member": ["是否党员", "政治面貌", "党员", "是否中共党员", "政治\n面貌", "是否党员（是/否）",
                     "党员（是/否）", "中共党员", "政治面目", "党籍", "是否为党员", "政治面貌(党员/群众)"],
    "rehired": ["是否返聘", "返聘", "是否返聘（是/否）", "返聘情况", "是否被返聘", "退休后返聘", "是否再就业",
                "返聘\n(是/否)", "是否继续留用", "退休返聘", "是否返聘人员", "返聘(√)"],
    "away_half_year": ["外出半年以上", "是否外出半年以上", "外出半年以上（是/否）", "长期外出", "是否长期外出",
                       "异地居住半年以上", "外出\n半年以上", "离开居住地半年以上", "外出半年", "是否长期居住外地",
                       "半年以上不在本地居住", "外出6个月以上"],
    "doc_registration": ["个人情况登记表", "登记表", "是否提交登记表", "登记表(份)", "个人信息登记表",
                         "个人情况\n登记表", "退休人员登记表", "个人登记表（有/无）", "退休人员基本信息登记表",
                         "个人情况登记表（份）", "登记表是否提交", "信息登记表"],
    "doc_agreement": ["服务协议书", "服务协议", "社会化管理服务协议书", "服务协议书（份）", "社会化服务协议",
                      "是否签订服务协议", "服务\n协议书", "管理服务协议书", "社会化管理服务协议", "服务协议(有/无)",
                      "签订服务协议书", "服务协议书(签订)"],
    "doc_id_copy": ["身份证户口本复印件", "身份证复印件", "户口本复印件", "身份证、户口簿复印件",
                    "身份证及户口本复印件", "证件复印件", "身份证户口簿复印件(份)", "身份证\n户口本\n复印件",
                    "户口簿复印件", "身份证户口本（复印件）", "身份证明复印件", "是否提交身份证复印件"],
    "doc_transfer_agreement": ["移交协议书", "移交协议", "企业与退休人员移交协议", "移交协议书（份）",
                               "企业移交协议书", "是否签订移交协议", "移交\n协议书", "移交协议(有/无)",
                               "社会化移交协议", "移交确认书", "退休人员移交协议书", "移交协议书签订"],
    "doc_file": ["人事档案", "档案", "档案（有/无）", "人事档案（袋）", "个人档案", "是否移交档案", "人事\n档案",
                 "档案移交", "职工档案", "档案材料", "人事档案(有/无)", "档案是否移交"],
    "doc_passbook": ["存折复印件", "养老金存折复印件", "存折（卡）复印件", "银行卡复印件", "存折\n复印件",
                     "社保卡复印件", "存折复印件（份）", "银行存折复印件", "养老金存折（卡）复印件",
                     "是否提交存折复印件", "存折/银行卡复印件", "账户复印件"],
    "remarks": ["备注", "备  注", "说明", "备\n注", "备注说明", "其他", "情况说明", "备注（其他情况）", "其它",
                "附注", "备注栏", "备 注"],
}

#: The document columns, in the usual order, and the yes/no columns.
DOC_FIELDS = ["doc_registration", "doc_agreement", "doc_id_copy", "doc_transfer_agreement", "doc_file",
              "doc_passbook"]
YES_NO_FIELDS = ["provincial_pension", "party_member", "rehired", "away_half_year"]

# ---------------------------------------------------------------------------------------------
# Person categories as written in the cell (canonical first)
# ---------------------------------------------------------------------------------------------

CATEGORY_VARIANTS: dict[str, list[str]] = {
    "企业退休人员": ["企业退休人员", "退休", "正常退休", "退休职工", "企业退休", "退休人员", "企业职工退休",
                 "企业退休职工", "企退人员", "企业正常退休人员", "已退休"],
    "企业管理的事业单位退休人员": ["企业管理的事业单位退休人员", "事业单位退休", "事业单位退休人员",
                      "企业管理事业单位退休人员", "事业退休", "企管事业单位退休", "企业所属事业单位退休人员",
                      "事业编制退休人员", "企业管理的事业单位退休"],
    "国企新办理退休人员": ["国企新办理退休人员", "新办退休", "新退休人员", "国企新退休人员", "新办理退休",
                  "国企新办退休", "新增退休人员", "当年新退休", "国有企业新办理退休人员", "新退休"],
    "县级以上党委管理的企业退休领导干部": ["县级以上党委管理的企业退休领导干部", "县管干部", "退休领导干部",
                          "县级以上党委管理干部", "市管干部", "党委管理的退休领导干部", "企业退休领导干部",
                          "县处级退休干部", "县级以上管理干部", "县级以上党委管理的退休干部"],
    "离休人员": ["离休人员", "离休", "离休干部", "离休老干部", "离休职工", "建国前参加工作离休人员", "离休老同志",
             "离休（享受离休待遇）", "老干部（离休）"],
    "中央管理的领导干部": ["中央管理的领导干部", "中管干部", "中央管理干部", "中央管理领导干部", "中管领导干部",
                  "中央管理的企业领导干部", "中管退休干部", "中央管理的退休领导干部", "中管"],
    "内部退养人员": ["内部退养人员", "内退", "内部退养", "内退人员", "内退职工", "内部退养职工", "提前内退",
               "内养人员", "退养人员"],
    "供养遗属": ["供养遗属", "遗属", "供养直系亲属", "遗属供养", "遗属补助人员", "供养家属", "遗属（供养）",
             "领取遗属补助", "供养遗属人员"],
    "落实政策人员": ["落实政策人员", "落实政策", "落政人员", "落政", "落实政策退休人员", "落实政策补办退休",
               "政策性退休人员", "落实政策（补办）人员", "落实政策对象"],
}

# ---------------------------------------------------------------------------------------------
# Marks in yes/no and document columns
# ---------------------------------------------------------------------------------------------

# 2026-12-02: "提供" had been seen by the recogniser's authors (in a failing test message), so it was
# moved from held-back position 14 to known position 15; fresh held-back marks took its place:
# YES_MARKS gained "已收" (position 14) and "Ｙ" (17), NO_MARKS gained "Ｎ" (17); "已签" and "未提供"
# were added as known fillers (position 16). Every earlier held-back mark kept its position.
YES_MARKS: list[str] = ["√", "有", "✔", "是", "已交", "☑", "Y", "1", "已提交", "✓", "已签订", "齐全", "y",
                        "已移交", "已收", "提供", "已签", "Ｙ"]
NO_MARKS: list[str] = ["×", "无", "✘", "否", "未交", "☒", "N", "0", "未提交", "✗", "缺", "没有", "n", "未签",
                       "暂缺", "未移交", "未提供", "Ｎ"]
#: Counts of copies handed in, for columns headed "…(份)": True = provided, False = not provided.
COPY_COUNTS: dict[bool, list[str]] = {
    True: ["1份", "1", "2份", "2", "壹份", "1 份", "3份", "一份", "1张"],
    False: ["0份", "0", "零份", "0 份", "—份"],
}

# ---------------------------------------------------------------------------------------------
# 政治面貌 values (True = party member) and gender spellings
# ---------------------------------------------------------------------------------------------

PARTY_VALUES: dict[bool, list[str]] = {
    True: ["中共党员", "党员", "中共预备党员", "中国共产党党员", "共产党员", "预备党员", "中共",
           "中共党员（退休）"],
    False: ["群众", "共青团员", "民盟盟员", "九三学社社员", "无党派人士", "民革党员", "民进会员", "农工党党员",
            "致公党党员", "团员", "民建会员", "台盟盟员", "无"],
}

# 2026-12-02: "（男）" / "（女）" had been seen by the recogniser's authors; they already stood on a
# known position (7), where they stay. Fresh held-back spellings added at position 8: full-width
# "Ｍ" / "Ｆ" (as typed with the IME in full-width mode).
GENDER_VALUES: dict[str, list[str]] = {
    "男": ["男", "男性", "M", "1", "Male", "男 ", "m", "（男）", "Ｍ"],
    "女": ["女", "女性", "F", "2", "Female", "女 ", "f", "（女）", "Ｆ"],
}

# ---------------------------------------------------------------------------------------------
# Non-person rows of a roster sheet, laid out over cells (column A first; at most 20 cells wide)
# ---------------------------------------------------------------------------------------------

_CANONICAL_ROW = [v[0] for k, v in HEADER_VARIANTS.items() if k not in ("enterprise", "credit_code", "remarks")]

FOOTER_ROWS: list[list[str | None]] = [
    ["填表人：张三", None, None, "审核人：李四", None, None, None, None, None, None, None,
     "联系电话：0514-87654321", None, None, None, None, "填报日期：2025年6月30日"],
    ["合计", "共32人", None, None, None, None, None, None, None, None, None, None, None, None, None, None],
    ["以下空白"],
    _CANONICAL_ROW[:20],
    ["栏次", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18",
     "19"],
    ["一、企业退休人员"],
    ["（二）离休人员", None, None, None],
    [None, "企业退休人员"],
    ["单位（盖章）", None, None, None, None, None, None, None, None, "单位负责人：王五", None, None, None, None,
     "2025年7月1日"],
    ["小计", None, "15人", None, None, None, None, None, None, None, None, None, None, "48562.30"],
    ["总计：本次移交退休人员47人，其中离休人员2人。"],
    ["制表：", "赵六", None, "复核：", "钱七", None, None, None, None, "日期：2025.06.30"],
    ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19",
     "20"],
    ["三、内部退养人员（共3人）"],
    ["经办人：孙八", None, None, None, None, None, None, None, None, None, None, None, None,
     "联系电话：13952712345"],
    ["（以下空白）", None, None, None, None, None, None, None, None, None, None, None, None, None],
    ["甲", "乙", "丙", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16"],
    ["注：1.本表一式三份，移交单位、街道（乡镇）、区社保中心各一份；2.“移交材料”栏有则打“√”。"],
    [None, None, "本页小计", "12人", None, None, None, None, None, None, None, None, None, "养老金合计",
     "38,456.20"],
    ["扬州市红旗机械厂（公章）", None, None, None, None, None, None, None, None, None, None, None, None, None,
     "填报时间：2025年6月"],
    ["二、企业管理的事业单位退休人员"],
]

#: What each FOOTER_ROWS entry is (parallel list).
FOOTER_KINDS: list[str] = [
    "footer", "total", "blank-marker", "header-repeat", "column-numbers", "group", "group", "group",
    "footer", "total", "total", "footer", "column-numbers", "group", "footer", "blank-marker",
    "column-numbers", "note", "total", "footer", "group",
]

# ---------------------------------------------------------------------------------------------
# The split
# ---------------------------------------------------------------------------------------------


def _split_dict(d: dict) -> tuple[dict, dict]:
    known, held = {}, {}
    for k, v in d.items():
        known[k], held[k] = split(v)
    return known, held


KNOWN_HEADER_VARIANTS, HELD_BACK_HEADER_VARIANTS = _split_dict(HEADER_VARIANTS)
KNOWN_CATEGORY_VARIANTS, HELD_BACK_CATEGORY_VARIANTS = _split_dict(CATEGORY_VARIANTS)
KNOWN_YES_MARKS, HELD_BACK_YES_MARKS = split(YES_MARKS)
KNOWN_NO_MARKS, HELD_BACK_NO_MARKS = split(NO_MARKS)
KNOWN_COPY_COUNTS, HELD_BACK_COPY_COUNTS = _split_dict(COPY_COUNTS)
KNOWN_PARTY_VALUES, HELD_BACK_PARTY_VALUES = _split_dict(PARTY_VALUES)
KNOWN_GENDER_VALUES, HELD_BACK_GENDER_VALUES = _split_dict(GENDER_VALUES)
_FOOTER_IDX_KNOWN, _FOOTER_IDX_HELD = split(list(range(len(FOOTER_ROWS))))
KNOWN_FOOTER_ROWS = [FOOTER_ROWS[i] for i in _FOOTER_IDX_KNOWN]
HELD_BACK_FOOTER_ROWS = [FOOTER_ROWS[i] for i in _FOOTER_IDX_HELD]
KNOWN_FOOTER_KINDS = [FOOTER_KINDS[i] for i in _FOOTER_IDX_KNOWN]
HELD_BACK_FOOTER_KINDS = [FOOTER_KINDS[i] for i in _FOOTER_IDX_HELD]


def is_held_back_header(field: str, wording: str) -> bool:
    return wording in HELD_BACK_HEADER_VARIANTS.get(field, [])


def self_check() -> dict[str, tuple[int, int]]:
    """Assert the lists are consistent; return {list name: (total, held back)}."""
    assert set(HEADER_VARIANTS) == {
        "seq", "enterprise", "credit_code", "name", "gender", "id_number", "birth_date", "work_start",
        "retire_date", "category", "post", "cadre_level", "household_address", "medical_location", "residence",
        "provincial_pension", "pension", "bank_account", "phone", "family_contact", "party_member", "rehired",
        "away_half_year", "doc_registration", "doc_agreement", "doc_id_copy", "doc_transfer_agreement",
        "doc_file", "doc_passbook", "remarks"}
    owner: dict[str, str] = {}
    for key, words in HEADER_VARIANTS.items():
        assert 8 <= len(words) <= 15, (key, len(words))
        assert len(set(words)) == len(words), key
        for w in words:
            assert w not in owner, f"{w!r} under both {owner[w]} and {key}"
            owner[w] = key
    cat_owner: dict[str, str] = {}
    for key, words in CATEGORY_VARIANTS.items():
        assert words[0] == key and 6 <= len(words) <= 12, key
        for w in words:
            assert w not in cat_owner, f"{w!r} under both {cat_owner[w]} and {key}"
            cat_owner[w] = key
    assert not set(YES_MARKS) & set(NO_MARKS)
    assert not set(COPY_COUNTS[True]) & set(COPY_COUNTS[False])
    assert not set(PARTY_VALUES[True]) & set(PARTY_VALUES[False])
    assert not set(GENDER_VALUES["男"]) & set(GENDER_VALUES["女"])
    assert len(FOOTER_ROWS) == len(FOOTER_KINDS) and all(len(r) <= 20 for r in FOOTER_ROWS)
    counts = {f"header:{k}": (len(v), len(HELD_BACK_HEADER_VARIANTS[k])) for k, v in HEADER_VARIANTS.items()}
    counts |= {f"category:{k}": (len(v), len(HELD_BACK_CATEGORY_VARIANTS[k])) for k, v in CATEGORY_VARIANTS.items()}
    counts |= {"YES_MARKS": (len(YES_MARKS), len(HELD_BACK_YES_MARKS)),
               "NO_MARKS": (len(NO_MARKS), len(HELD_BACK_NO_MARKS))}
    counts |= {f"COPY_COUNTS[{k}]": (len(v), len(HELD_BACK_COPY_COUNTS[k])) for k, v in COPY_COUNTS.items()}
    counts |= {f"PARTY_VALUES[{k}]": (len(v), len(HELD_BACK_PARTY_VALUES[k])) for k, v in PARTY_VALUES.items()}
    counts |= {f"GENDER_VALUES[{k}]": (len(v), len(HELD_BACK_GENDER_VALUES[k])) for k, v in GENDER_VALUES.items()}
    counts["FOOTER_ROWS"] = (len(FOOTER_ROWS), len(HELD_BACK_FOOTER_ROWS))
    return counts


if __name__ == "__main__":
    for name, (n, h) in self_check().items():
        print(f"{name:40s} {n:3d} variants, {h:2d} held back")
