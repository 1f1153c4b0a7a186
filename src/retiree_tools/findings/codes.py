"""Finding codes and user-facing texts, in Chinese (default) and English.

Every finding code has a default severity, a title and a message template in both languages.
Tests assert codes, never wording; ``docs/findings.md`` is generated from this table.
"""

from __future__ import annotations

from typing import NamedTuple


class Code(NamedTuple):
    severity: str  # error | warning | info
    title_zh: str
    title_en: str
    zh: str
    en: str


CODES: dict[str, Code] = {
    # ---- file and sheet level ----
    "file-unreadable": Code("error", "文件无法读取", "File unreadable",
        "文件无法读取：{detail}", "cannot read the file: {detail}"),
    "file-encrypted": Code("error", "文件已加密", "File encrypted",
        "文件设有密码保护，请取消密码后另存为 .xlsx 再提交", "the workbook is password-protected; remove the password and save it as .xlsx"),
    "file-empty": Code("error", "文件为空", "File empty",
        "文件中没有任何数据", "the file holds no data"),
    "file-too-large": Code("error", "文件超出安全限制", "File exceeds safety limits",
        "文件超出安全限制（{detail}），可能是恶意文件，已拒绝读取", "the file exceeds a safety limit ({detail}); refused as possibly hostile"),
    "file-hostile": Code("error", "文件含危险内容", "Hostile content",
        "文件含有不允许的内容（{detail}），已拒绝读取", "the file holds content that is not allowed ({detail}); refused"),
    "sheet-not-found": Code("error", "找不到工作表", "Sheet not found",
        "找不到工作表“{sheet}”；现有工作表：{available}", "no sheet named '{sheet}'; sheets: {available}"),
    "header-not-found": Code("error", "找不到表头", "Header not found",
        "前 {rows} 行中找不到包含“姓名”“身份证号码”等列名的表头行", "no header row with columns such as 姓名 / 身份证号码 in the first {rows} rows"),
    "missing-column": Code("error", "缺少必需列", "Required column missing",
        "缺少必需列“{header}”", "required column '{header}' is missing"),
    "duplicate-column": Code("warning", "列名重复", "Duplicate column",
        "列“{header}”与第 {first} 列对应同一字段，已忽略此列", "column '{header}' maps to the same field as column {first}; ignored"),
    "enterprise-unknown": Code("warning", "未知移交单位", "Enterprise unknown",
        "无法确定移交企业：请加“原工作单位”列、在标题行写明“填报单位：…”，或使用 --enterprise", "the enterprise is unknown: add a 原工作单位 column, a 填报单位：… title line, or use --enterprise"),
    "value-too-long": Code("error", "内容过长", "Value too long",
        "单元格内容过长（{length} 个字符），已截断检查", "cell text too long ({length} characters); truncated for checking"),
    # ---- person level ----
    "missing-value": Code("error", "必填项为空", "Required value missing",
        "“{header}”不能为空", "'{header}' must not be empty"),
    "location-missing": Code("error", "缺少所在地", "No location",
        "{headers} 至少填写一项", "at least one of {headers} must be given"),
    "id-format": Code("error", "身份证号码格式错误", "ID number format",
        "身份证号码应为 18 位（末位可为 X）或 15 位数字，实际为“{value}”", "an ID number has 18 characters (last may be X) or 15 digits; got '{value}'"),
    "id-checksum": Code("error", "身份证号码校验位错误", "ID check character",
        "身份证号码校验位错误：末位应为 {expected}", "wrong check character: expected {expected}"),
    "id-birthdate": Code("error", "身份证号码出生日期无效", "ID birth date invalid",
        "身份证号码中的出生日期 {birth} 不存在或不合理", "the birth date {birth} inside the ID number is invalid"),
    "id-precision-lost": Code("error", "身份证号码被当作数字", "ID typed as a number",
        "身份证号码被 Excel 当作数字保存，后几位已丢失（显示为 {value}）：请将该列设为“文本”格式后重新录入", "the ID number was stored as a number and its last digits are lost ({value}): set the column to Text and re-enter it"),
    "id-legacy": Code("warning", "15 位旧身份证号码", "Legacy 15-digit ID",
        "15 位旧身份证号码，已换算为 {converted}，请核对后更新为 18 位", "legacy 15-digit number, converted to {converted}; please update to 18 digits"),
    "id-area-unknown": Code("warning", "身份证号码地址码未知", "Unknown ID area code",
        "身份证号码前 6 位 {area} 不是已知的县级行政区划代码，请核对", "the area code {area} is not a known county code; please check"),
    "id-duplicate": Code("error", "身份证号码重复", "Duplicate ID",
        "身份证号码与 {other} 重复", "duplicate ID number; also at {other}"),
    "birthdate-mismatch": Code("error", "出生年月与身份证不符", "Birth date disagrees with ID",
        "出生年月 {value} 与身份证号码中的 {expected} 不一致", "birth date {value} disagrees with {expected} from the ID"),
    "gender-mismatch": Code("error", "性别与身份证不符", "Gender disagrees with ID",
        "性别“{value}”与身份证号码（{expected}）不一致", "gender '{value}' disagrees with the ID number ({expected})"),
    "date-invalid": Code("error", "日期无效", "Invalid date",
        "“{header}”无法识别为日期：“{value}”（可写作 1960-05-01、1960.05、1960年5月）", "'{header}' is not a date: '{value}' (use 1960-05-01, 1960.05, 1960年5月)"),
    "date-future": Code("error", "日期在将来", "Date in the future",
        "“{header}”{value} 晚于今天", "'{header}' {value} is in the future"),
    "date-order": Code("error", "日期先后矛盾", "Dates out of order",
        "{detail}", "{detail}"),
    "retirement-age": Code("warning", "退休年龄偏低", "Early retirement",
        "退休时 {age}，低于法定退休年龄 {statutory}（{basis}）；如属特殊工种、病退或工伤请在备注说明", "retired at {age}, below the statutory age {statutory} ({basis}); note special work type, illness or injury if so"),
    "age-implausible": Code("warning", "年龄异常", "Implausible age",
        "按身份证计算年龄为 {age} 岁，请核实是否健在", "age {age} from the ID; please check the person is alive"),
    "invalid-choice": Code("error", "取值不在范围内", "Value not allowed",
        "“{header}”的值“{value}”不在允许范围：{allowed}", "'{header}' value '{value}' is not one of: {allowed}"),
    "number-invalid": Code("error", "数值无效", "Invalid number",
        "“{header}”应为数字：“{value}”", "'{header}' must be a number: '{value}'"),
    "number-range": Code("warning", "数值超出常见范围", "Number out of usual range",
        "“{header}”{value} 超出常见范围 {low}–{high}，请核对", "'{header}' {value} is outside the usual range {low}-{high}; please check"),
    "phone-invalid": Code("error", "电话号码无效", "Invalid phone",
        "电话号码“{value}”无效：应为 11 位手机号或带区号的固定电话", "phone '{value}' is not a valid mobile (11 digits) or landline number"),
    "account-invalid": Code("error", "银行账号无效", "Invalid bank account",
        "养老金账号“{value}”应为 10–30 位数字", "the pension account '{value}' must be 10-30 digits"),
    "account-precision-lost": Code("error", "银行账号被当作数字", "Account typed as a number",
        "银行账号被 Excel 当作数字保存，后几位已丢失（{value}）：请将该列设为“文本”格式后重新录入", "the account was stored as a number and its last digits are lost ({value}): set the column to Text and re-enter it"),
    "credit-code-invalid": Code("error", "统一社会信用代码无效", "Invalid credit code",
        "统一社会信用代码“{value}”无效（{detail}）", "unified social credit code '{value}' is invalid ({detail})"),
    "document-missing": Code("error", "缺少移交材料", "Document missing",
        "缺少移交材料“{header}”", "document '{header}' not provided"),
    "not-transferable": Code("info", "不属于移交范围", "Not handed over",
        "{category}：{reason}", "{category}: {reason}"),
    # ---- assign / catalogue / targets ----
    "catalog-invalid": Code("error", "接收单位目录错误", "Catalogue error",
        "{detail}", "{detail}"),
    "targets-invalid": Code("error", "验收目标文件错误", "Targets file error",
        "{detail}", "{detail}"),
    # ---- usage ----
    "policy-invalid": Code("error", "政策文件错误", "Policy file error",
        "政策文件有误：{detail}", "policy file error: {detail}"),
    "output-is-input": Code("error", "输出会覆盖输入", "Output would overwrite input",
        "输出路径与输入文件 {input} 冲突，已拒绝写入", "refused: the output path clashes with the input {input}"),
    "usage": Code("error", "用法错误", "Usage error", "{detail}", "{detail}"),
}


def render(code: str, lang: str = "zh", **params: object) -> str:
    """The message of ``code`` in ``lang`` with ``params`` filled in; unknown params stay literal."""
    entry = CODES.get(code)
    if entry is None:
        return f"{code} {params}" if params else code
    template = entry.en if lang == "en" else entry.zh
    return template.format_map(_Keep(params))


class _Keep(dict):
    """Format mapping that leaves unknown placeholders as they are."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def severity_of(code: str) -> str:
    return CODES[code].severity if code in CODES else "error"


def title(code: str, lang: str = "zh") -> str:
    entry = CODES.get(code)
    if entry is None:
        return code
    return entry.title_en if lang == "en" else entry.title_zh


# Texts of the human output that are not findings.
UI: dict[str, tuple[str, str]] = {
    "file": ("文件", "File"),
    "sheet": ("工作表", "Sheet"),
    "header_row": ("表头行", "Header row"),
    "rows": ("数据行", "Rows"),
    "people": ("人数", "People"),
    "errors": ("错误", "Errors"),
    "warnings": ("警告", "Warnings"),
    "infos": ("提示", "Notes"),
    "people_with_errors": ("有错误的人数", "People with errors"),
    "enterprise": ("移交单位", "Enterprise"),
    "row": ("行", "Row"),
    "column": ("列", "Col"),
    "header": ("列名", "Header"),
    "code": ("代码", "Code"),
    "severity": ("级别", "Severity"),
    "value": ("值", "Value"),
    "message": ("说明", "Message"),
    "error": ("错误", "error"),
    "warning": ("警告", "warning"),
    "info": ("提示", "info"),
    "summary_title": ("校验结果", "Validation summary"),
    "findings_title": ("问题清单", "Findings"),
    "more_findings": ("另有 {n} 条未显示，完整清单见 --format json 或 --annotate", "{n} more not shown; see --format json or --annotate"),
    "result_ok": ("通过：没有错误", "OK: no errors"),
    "result_fail": ("未通过：发现 {n} 个错误", "FAILED: {n} errors"),
    "annotated": ("已写出批注副本：{path}", "annotated copy written: {path}"),
    "written": ("已写出：{path}", "written: {path}"),
}


def ui(key: str, lang: str = "zh", **params: object) -> str:
    zh, en = UI[key]
    text = en if lang == "en" else zh
    return text.format(**params) if params else text
