"""Texts of assign: a person's status in words, the reasons of decisions, the terminal output."""

TEXTS: dict[str, tuple[str, str]] = {
    # a person's status (the assigned file keeps the English codes)
    "status.assigned": ("移交", "assigned"),
    "status.excluded": ("不予移交", "excluded"),
    "status.review": ("待人工核实", "review"),
    "status.rejected": ("退回补正", "rejected"),
    # reasons written into the assigned file
    "assign.no_location": ("所在地均为空或不在接收地区目录内（{fields}），无法确定接收区县，请人工核实",
                           "no location resolves to a county of the catalogue ({fields}); check by hand"),
    "assign.provincial_unresolved": ("在省社保中心领取待遇，须按医保关系所在地确定区县，但医保关系所在地无法识别",
                                     "paid by the provincial centre: placed by medical-insurance location, which does not resolve"),
    "assign.ambiguous_unit": ("居住地址同时匹配多个接收单位（{units}），请人工确定",
                              "the address matches several units equally ({units}); decide by hand"),
    "assign.near_unit": ("居住地址以路口或附近地点描述，涉及多个接收单位（{units}），请人工确定",
                         "the address is given by a corner or a nearby place and names several units ({units}); decide by hand"),
    "assign.rejected": ("数据有错误，未分配：{codes}", "not assigned, data errors: {codes}"),
    "assign.resides_elsewhere": ("长期居住地不在该区县，暂由区县退管中心接收", "lives outside the county: received by the county centre"),
    "assign.unit_unresolved": ("居住地址未能对应到街道/乡镇/社区，暂由区县退管中心接收",
                               "the address names no unit: received by the county centre"),
    "assign.evidence": ("{field}：{term}", "{field}：{term}"),
    # terminal output
    "assign.title": ("分配结果", "Assignment"),
    "assign.county": ("区县", "County"),
    "assign.unit": ("接收单位", "Unit"),
    "assign.people": ("人数", "People"),
    "assign.status": ("状态", "Status"),
    "assign.attention": ("需人工处理", "Needs attention"),
    "assign.row": ("行", "Row"),
    "assign.name": ("姓名", "Name"),
    "assign.id": ("身份证号码", "ID number"),
    "assign.reason": ("原因", "Reason"),
    "assign.file": ("文件", "File"),
    "assign.written": ("已写出：{path}", "written: {path}"),
    "assign.more_units": ("……另有 {n} 个接收单位", "... {n} more units"),
    "assign.sheet_name": ("分配结果", "Assignments"),
}
