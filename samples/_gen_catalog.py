"""The Yangzhou receiving-jurisdiction catalogue (names and codes) and address helpers.

Street/township codes are the 9-digit statistical codes (统计用区划代码, 2023 edition as mirrored
in modood/Administrative-divisions-of-China dist/streets.csv) followed by ``000``. Community codes
ending in 9xx are DERIVED (street code + 901, 902, …: real community codes use 001-399) because
we could not verify the official ones; see samples/README.md.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

CITY = ("321000", "扬州市", ["扬州", "扬州市区", "扬州市本级"])

# county code, name, keywords
COUNTIES = [
    ("321002", "广陵区", ["广陵"]),
    ("321003", "邗江区", ["邗江", "维扬"]),  # 维扬区 (321011) was merged into 邗江区 in 2011
    ("321012", "江都区", ["江都"]),  # 江都市 (321088) until 2011
    ("321023", "宝应县", ["宝应"]),
    ("321081", "仪征市", ["仪征"]),
    ("321084", "高邮市", ["高邮"]),
]

# 9-digit code, name, keywords (roads among them are used to build addresses)
STREETS = {
    "321002": [
        ("321002001", "东关街道", ["东关", "东关街", "个园", "文昌中路"]),
        ("321002002", "汶河街道", ["汶河", "四望亭路", "淮海路", "文昌中路"]),
        ("321002003", "文峰街道", ["文峰", "文峰寺"]),
        ("321002004", "曲江街道", ["曲江"]),
        ("321002005", "汤汪街道", ["汤汪", "汤汪乡"]),
        ("321002102", "李典镇", ["李典"]),
        ("321002103", "沙头镇", ["沙头"]),
        ("321002104", "头桥镇", ["头桥"]),
        ("321002106", "湾头镇", ["湾头", "茱萸湾"]),
        ("321002401", "杭集镇", ["杭集", "生态科技新城杭集镇"]),
        ("321002402", "泰安镇", ["生态科技新城泰安镇"]),
    ],
    "321003": [
        ("321003001", "邗上街道", ["邗上", "邗江中路"]),
        ("321003002", "蒋王街道", ["蒋王"]),
        ("321003003", "汊河街道", ["汊河"]),
        ("321003005", "双桥街道", []),
        ("321003006", "梅岭街道", ["梅岭"]),
        ("321003007", "甘泉街道", []),
        ("321003009", "新盛街道", ["新盛"]),
        ("321003010", "竹西街道", ["竹西"]),
        ("321003011", "西湖街道", ["西湖镇"]),
        ("321003052", "瘦西湖街道", ["瘦西湖"]),
        ("321003053", "城北街道", ["城北乡"]),
        ("321003100", "公道镇", ["公道"]),
        ("321003101", "方巷镇", ["方巷"]),
        ("321003102", "槐泗镇", ["槐泗"]),
        ("321003103", "瓜洲镇", ["瓜洲"]),
        ("321003108", "杨寿镇", ["杨寿", "扬寿"]),
        ("321003110", "杨庙镇", ["杨庙"]),
        ("321003201", "双桥乡", []),
        ("321003350", "平山乡", []),
        # administered for 邗江区 by the 扬州经济技术开发区 (statistical prefix 321071)
        ("321071050", "扬子津街道", ["扬子津"]),
        ("321071051", "文汇街道", []),
        ("321071150", "施桥镇", ["施桥"]),
        ("321071151", "八里镇", []),
        ("321071152", "朴席镇", ["朴席"]),
    ],
    "321012": [
        ("321012100", "仙女镇", ["仙女"]),
        ("321012101", "小纪镇", ["小纪"]),
        ("321012103", "武坚镇", ["武坚"]),
        ("321012106", "樊川镇", ["樊川"]),
        ("321012108", "真武镇", ["真武"]),
        ("321012109", "宜陵镇", ["宜陵"]),
        ("321012110", "丁沟镇", ["丁沟"]),
        ("321012112", "郭村镇", ["郭村"]),
        ("321012114", "邵伯镇", ["邵伯"]),
        ("321012116", "丁伙镇", ["丁伙"]),
        ("321012118", "大桥镇", []),
        ("321012119", "吴桥镇", ["吴桥"]),
        ("321012120", "浦头镇", ["浦头"]),
    ],
    "321023": [
        ("321023100", "安宜镇", ["安宜"]),
        ("321023101", "氾水镇", ["氾水"]),
        ("321023102", "夏集镇", ["夏集"]),
        ("321023103", "柳堡镇", ["柳堡"]),
        ("321023104", "射阳湖镇", ["射阳湖"]),
        ("321023105", "广洋湖镇", ["广洋湖"]),
        ("321023106", "鲁垛镇", ["鲁垛"]),
        ("321023107", "小官庄镇", ["小官庄"]),
        ("321023108", "望直港镇", ["望直港"]),
        ("321023109", "曹甸镇", ["曹甸"]),
        ("321023110", "西安丰镇", ["西安丰"]),
        ("321023111", "山阳镇", []),
        ("321023112", "黄塍镇", ["黄塍"]),
        ("321023113", "泾河镇", ["泾河"]),
    ],
    "321081": [
        ("321081100", "真州镇", ["真州"]),
        ("321081103", "新集镇", ["新集"]),
        ("321081104", "新城镇", []),
        ("321081105", "马集镇", ["马集"]),
        ("321081106", "刘集镇", ["刘集"]),
        ("321081107", "陈集镇", ["陈集"]),
        ("321081108", "大仪镇", ["大仪"]),
        ("321081109", "月塘镇", ["月塘"]),
        ("321081150", "青山镇", []),
    ],
    "321084": [
        ("321084001", "高邮街道", []),
        ("321084406", "马棚街道", ["马棚"]),  # statistical name 经济开发区（马棚街道）
        ("321084101", "龙虬镇", ["龙虬"]),
        ("321084106", "汤庄镇", ["汤庄"]),
        ("321084107", "卸甲镇", ["卸甲"]),
        ("321084108", "三垛镇", ["三垛"]),
        ("321084109", "甘垛镇", ["甘垛"]),
        ("321084112", "界首镇", []),
        ("321084113", "周山镇", ["周山"]),
        ("321084115", "临泽镇", []),
        ("321084116", "送桥镇", ["送桥"]),
        ("321084200", "菱塘回族乡", ["菱塘"]),
        ("321084401", "车逻镇", ["车逻", "城南经济新区"]),  # 城南经济新区（车逻镇）
    ],
}

# street code → communities: (12-digit code or None for a derived one, name, keywords)
COMMUNITIES = {
    "321002001": [(None, "宋都社区", ["宋都"]), (None, "个园社区", []),
                  (None, "琼花观社区", ["琼花观"]), (None, "古旗亭社区", ["古旗亭"]),
                  (None, "何园社区", ["何园"]), (None, "徐凝门社区", ["徐凝门"]),
                  (None, "彩衣街社区", ["彩衣街"])],
    "321002002": [(None, "四望亭社区", []), (None, "石塔社区", ["石塔寺"]),
                  (None, "皇宫社区", []), (None, "树人苑社区", []), (None, "通泗社区", []),
                  (None, "旌忠寺社区", ["旌忠寺"]), (None, "常府社区", []),
                  (None, "龙头关社区", []), (None, "南门街社区", ["南门街"]),
                  (None, "荷花池社区", ["荷花池"]), (None, "小码头社区", [])],
    "321002004": [(None, "沙南社区", ["沙南"])],
    "321002005": [("321002005003", "杉湾花园社区", ["杉湾花园"])],
    "321003003": [("321003003001", "许庄社区", ["许庄"])],
    "321003010": [(None, "安平社区", []), (None, "竹西社区", [])],
}

AMBIGUOUS_KEYWORD = "文昌中路"  # deliberately in both 东关街道 and 汶河街道 (the road crosses both)
CITY_LEVEL_MEDICAL = ["扬州市本级", "扬州市区"]

OUTSIDE_ADDRESSES = [
    "江苏省南京市鼓楼区中山北路{n}号", "南京市玄武区珠江路{n}号", "上海市浦东新区张杨路{n}弄{m}号",
    "上海市徐汇区漕溪北路{n}号", "江苏省苏州市姑苏区人民路{n}号", "江苏省镇江市京口区中山东路{n}号",
]


@dataclass
class Unit:
    code: str
    name: str
    level: str  # city | county | street | township | community
    parent: str
    keywords: list[str]
    county: str = ""  # county code this unit lies in ("" for the city)
    children: list[Unit] = field(default_factory=list)

    @property
    def roads(self) -> list[str]:
        return [k for k in self.keywords if k.endswith(("路", "街"))]


def build_units() -> list[Unit]:
    units = [Unit(CITY[0], CITY[1], "city", "", CITY[2])]
    for ccode, cname, ckw in COUNTIES:
        county = Unit(ccode, cname, "county", CITY[0], ckw, ccode)
        units.append(county)
        for code9, name, kw in STREETS[ccode]:
            level = "street" if name.endswith("街道") else "township"
            street = Unit(code9 + "000", name, level, ccode, kw, ccode)
            units.append(street)
            county.children.append(street)
            for seq, (code12, cname2, ckw2) in enumerate(COMMUNITIES.get(code9, []), start=901):
                comm = Unit(code12 or f"{code9}{seq}", cname2, "community", street.code, ckw2, ccode)
                units.append(comm)
                street.children.append(comm)
    check_keywords(units)
    return units


def check_keywords(units: list[Unit]) -> None:
    """No keyword or name is shared by two units of one county, except AMBIGUOUS_KEYWORD."""
    seen: dict[tuple[str, str], str] = {}
    for u in units:
        for word in [u.name, *u.keywords]:
            key = (u.county, word)
            if key in seen and seen[key] != u.code and word != AMBIGUOUS_KEYWORD:
                raise AssertionError(f"keyword {word} shared by {seen[key]} and {u.code}")
            seen[key] = u.code


def catalog_rows(units: list[Unit], fake, rng: random.Random) -> list[list[str]]:
    """Rows of samples/catalog.csv: synthetic contact person and 0514-8xxxxxxx phone per unit."""
    names = {u.code: u.name for u in units}
    rows = []
    for u in units:
        if u.level == "city":
            office = "江苏省扬州市人力资源和社会保障局退休人员管理服务中心"
        elif u.level == "county":
            office = f"江苏省扬州市{u.name}人力资源和社会保障局退休人员管理服务中心"
        elif u.level == "community":
            street = next(s for s in units if s.code == u.parent)
            office = f"江苏省扬州市{names[street.parent]}{street.name}{u.name}党群服务中心"
        elif u.roads:
            office = f"江苏省扬州市{names[u.parent]}{u.name}{u.roads[0]}{rng.randint(2, 199)}号"
        else:
            office = f"江苏省扬州市{names[u.parent]}{u.name}为民服务中心"
        phone = f"0514-8{rng.randrange(10**6, 10**7)}"
        rows.append([u.code, u.name, u.level, u.parent, ";".join(u.keywords), office,
                     fake.name(), phone])
    return rows


def address(rng: random.Random, county: Unit, unit: Unit, community: Unit | None = None,
            style: str | None = None) -> str:
    """A residence/household address inside ``unit`` written in one of the usual ways."""
    style = style or rng.choice(["full", "full", "city", "county"])
    prefix = {"full": f"江苏省扬州市{county.name}", "city": f"扬州市{county.name}",
              "county": county.name}.get(style, county.name)
    n, m = rng.randint(1, 180), rng.randint(101, 602)
    if style == "road" and unit.roads:  # short form without the unit's name: 广陵区东关街88号
        road = rng.choice([r for r in unit.roads if r != AMBIGUOUS_KEYWORD] or unit.roads)
        return f"{prefix}{road}{n}号"
    if community is not None:
        return f"{prefix}{unit.name}{community.name}{rng.randint(1, 40)}幢{m}室"
    roads = [r for r in unit.roads if r != AMBIGUOUS_KEYWORD]
    if roads and rng.random() < 0.7:
        return f"{prefix}{unit.name}{rng.choice(roads)}{n}号"
    if unit.level == "street":
        return f"{prefix}{unit.name}{rng.randint(1, 60)}幢{m}室"
    return f"{prefix}{unit.name}{rng.randint(1, 20)}组{n}号"


def matches(units: list[Unit], text: str) -> set[str]:
    """Codes of the units whose name or keyword occurs in ``text``, dropping hits that lie inside
    a longer hit (瘦西湖街道 hides 西湖街道). A self-check for the generator, not the product."""
    hits = []
    for u in units:
        for word in [u.name, *u.keywords]:
            start = text.find(word)
            while start >= 0:
                hits.append((start, start + len(word), u.code))
                start = text.find(word, start + 1)
    kept = {code for s, e, code in hits
            if not any(s2 <= s and e <= e2 and (e2 - s2) > (e - s) for s2, e2, _ in hits)}
    return kept
