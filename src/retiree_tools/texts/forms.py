"""Texts of render-forms' terminal output (the forms themselves are printed in Chinese)."""

TEXTS: dict[str, tuple[str, str]] = {
    "forms.title": ("已生成的移交表单", "Forms written"),
    "forms.county": ("区县", "County"),
    "forms.unit": ("接收单位", "Receiving unit"),
    "forms.enterprise": ("移交单位", "Enterprise"),
    "forms.people": ("人数", "People"),
    "forms.files": ("文件", "Files"),
    "forms.units": ("接收单位数", "Units"),
    "forms.enterprises": ("移交单位数", "Enterprises"),
    "forms.open_index": ("先打开 {path}（按区县和接收单位列出全部表单；--verbose 在此逐组列出）",
                         "open {path} first (every form by county and unit; --verbose lists them here)"),
    "forms.done": ("已写出 {n} 个文件到 {dir}（移交 {a} 人；不予移交 {e} 人，待核实 {r} 人，退回 {j} 人）",
                   "{n} files written to {dir} ({a} handed over; {e} excluded, {r} in review, {j} rejected)"),
    "forms.none": ("没有状态为“移交”（assigned）的人员：只写出了目录和清单，未生成表单",
                   "nobody has status 'assigned': only the index and manifest were written, no forms"),
    "forms.no_font": ("警告：未找到中文字体（fc-list :lang=zh 为空），PDF 中的汉字可能无法显示；请安装 fonts-noto-cjk",
                      "warning: no Chinese font found (fc-list :lang=zh is empty); PDF text may not render: install fonts-noto-cjk"),
    "forms.progress": ("生成表单", "Rendering forms"),
    # a receiving unit's level as the forms index (index.html) shows it, both languages side by side
    "forms.level.city": ("市级", "city-level"),
    "forms.level.county": ("县级", "county-level"),
    "forms.level.street": ("街道", "street"),
    "forms.level.township": ("乡镇", "township"),
    "forms.level.community": ("社区", "community"),
    # a rejected person's reason on the forms (receipts): the findings' titles, never their codes
    "forms.reason.rejected": ("数据有错误，退回补正：{titles}", "data errors, returned for correction: {titles}"),
    "forms.reason.rejected_unknown": ("数据有错误，退回补正（详见校验报告）",
                                      "data errors, returned for correction (see the validation report)"),
}
