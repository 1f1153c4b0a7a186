"""Synthetic retirees for the sample workbooks: consistent IDs, dates, categories and places."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from _gen_catalog import (
    AMBIGUOUS_KEYWORD,
    CITY_LEVEL_MEDICAL,
    OUTSIDE_ADDRESSES,
    Unit,
    address,
    matches,
)
from _gen_common import (
    LATEST_RETIREMENT,
    Month,
    add_months,
    luhn_account,
    make_id,
    statutory_retirement,
)

# county codes of the day for older people's IDs, now defunct (321001 市辖区, 321011 郊区/维扬区,
# 321027 邗江县, 321026 江都县, 321088 江都市, 321022 高邮县); 宝应 and 仪征 keep their own
DEFUNCT_AREA = {"321002": ["321001", "321011"], "321003": ["321027", "321011"],
                "321012": ["321026", "321088"], "321023": ["321023"], "321081": ["321081"],
                "321084": ["321022"]}
OTHER_JIANGSU = ["320102", "320106", "321102", "321202", "320602", "320902", "320402", "321281"]
BANK_PREFIXES = ["621700", "622848", "621661", "622188", "623059"]
HANDED_OVER = {"企业退休人员", "企业管理的事业单位退休人员", "国企新办理退休人员",
               "县级以上党委管理的企业退休领导干部"}
DOC_FIELDS = ["doc_registration", "doc_agreement", "doc_id_copy", "doc_transfer_agreement",
              "doc_file", "doc_passbook"]
PARTY_FORMS = [("有", "无"), ("是", "否"), ("中共党员", "群众")]


@dataclass
class Person:
    name: str
    male: bool
    birth: date
    id18: str
    post: str
    category: str
    cadre_level: str
    work: Month
    retire: Month
    household: str
    medical: str
    residence: str
    provincial: bool
    pension: float
    account: str
    phone: str
    family: str
    party: str
    rehired: str
    away: str
    docs: dict[str, str]
    remarks: str = ""
    expected_county: str | None = None  # county code the assign rules should reach
    role: str = "plain"
    cells: dict[str, object] = field(default_factory=dict)  # per-field overrides of written cells
    on_roster: bool = True
    roster_id: str | None = None  # ID as the pension roll writes it (None: not on the roll)

    @property
    def handed_over(self) -> bool:
        return self.category in HANDED_OVER


class PeopleFactory:
    """Draws people; ``county_weights`` says where an enterprise's retirees tend to live."""

    def __init__(self, rng: random.Random, fake, units: list[Unit],
                 county_weights: dict[str, float]) -> None:
        self.rng, self.fake, self.units = rng, fake, units
        self.counties = {u.code: u for u in units if u.level == "county"}
        self.weights = county_weights

    # ---- places ----
    def pick_county(self, exclude: str | None = None) -> Unit:
        codes = [c for c in self.weights if c != exclude]
        return self.counties[self.rng.choices(codes, [self.weights[c] for c in codes])[0]]

    def pick_unit(self, county: Unit) -> tuple[Unit, Unit | None]:
        kids = county.children
        w = [3 if u.level == "street" else 1 for u in kids]
        unit = self.rng.choices(kids, w)[0]
        comm = self.rng.choice(unit.children) if unit.children and self.rng.random() < 0.4 else None
        return unit, comm

    def home_address(self, county: Unit, style: str | None = None) -> str:
        unit, comm = self.pick_unit(county)
        if style is None and unit.roads and comm is None and self.rng.random() < 0.15:
            style = "road"
        text = address(self.rng, county, unit, comm, style)
        found = matches(self.units, text)
        assert county.code in found or unit.code in found, text
        assert unit.code in found or comm is not None and comm.code in found, text
        others = {u.code for u in county.children if u is not unit} | {
            c.code for u in county.children if u is not unit for c in u.children}
        assert not found & others, text
        return text

    def medical_of(self, county: Unit) -> str:
        if county.name.endswith("区"):
            return self.rng.choice([f"扬州市{county.name}", county.name])
        return self.rng.choice([county.name, f"扬州市{county.name}"])

    def outside(self) -> str:
        text = self.rng.choice(OUTSIDE_ADDRESSES).format(n=self.rng.randint(1, 300),
                                                         m=self.rng.randint(1, 40))
        assert not matches(self.units, text), text
        return text

    # ---- one person ----
    def person(self, category: str = "企业退休人员", *, male: bool | None = None,
               post: str | None = None, years: tuple[int, int] = (1940, 1975),
               retire_from: Month = (1985, 1), area: str | None = None) -> Person:
        rng = self.rng
        while True:
            m = rng.random() < 0.55 if male is None else male
            birth = date(rng.randint(*years), rng.randint(1, 12), rng.randint(1, 28))
            p = post or rng.choices(["干部", "工人"], [0.3, 0.7])[0]
            retire = statutory_retirement(birth, m, p)
            if retire_from <= retire <= LATEST_RETIREMENT:
                break
        county = self.pick_county()
        if area is None:
            r = rng.random()
            if r < 0.05:
                area = rng.choice(OTHER_JIANGSU)
            elif birth.year < 1962 and r < 0.35:
                area = rng.choice(DEFUNCT_AREA[county.code])
            else:
                area = county.code
        id18 = make_id(rng, area, birth, m)
        residence = self.home_address(county)
        household = residence if rng.random() < 0.7 else self.home_address(county)
        name = self._name(m)
        yes, no = rng.choice(PARTY_FORMS)
        work = add_months((birth.year, birth.month), rng.randint(18 * 12, 22 * 12))
        docs = {f: rng.choice(["√", "√", "有"]) for f in DOC_FIELDS}
        return Person(
            name=name, male=m, birth=birth, id18=id18, post=p, category=category,
            cadre_level=rng.choice(["无", "无", "无", ""]), work=work, retire=retire,
            household=household, medical=self.medical_of(county), residence=residence,
            provincial=False, pension=round(rng.uniform(1800, 6500), 2),
            account=luhn_account(rng, rng.choice(BANK_PREFIXES)), phone=self._phone(birth),
            family=self._family(), party=yes if rng.random() < 0.35 else no,
            rehired="是" if rng.random() < 0.03 else "否",
            away="是" if rng.random() < 0.03 else "否", docs=docs,
            expected_county=county.code, roster_id=id18)

    def _name(self, male: bool) -> str:
        while True:
            given = self.fake.first_name_male() if male else self.fake.first_name_female()
            if given in ("红霞", "想"):  # Faker's male list has a few that read female or odd
                continue
            name = self.fake.last_name() + given
            try:
                name.encode("gbk")
            except UnicodeEncodeError:
                continue
            return name

    def _phone(self, birth: date) -> str:
        if birth.year < 1950 and self.rng.random() < 0.4:
            return f"0514-8{self.rng.randrange(10**6, 10**7)}"
        while True:
            phone = self.fake.phone_number()
            if len(phone) == 11 and phone.isdigit():
                return phone

    def _family(self) -> str:
        rel = self.rng.choice(["配偶", "儿子", "女儿", "子", "女"])
        phone = self._phone(date(1980, 1, 1))
        sep = self.rng.choice(["（" + rel + "）", " ", "/"])
        return f"{self._name(self.rng.random() < 0.5)}{sep}{phone}"

    # ---- roles: special categories and places (none of them is an error) ----
    def apply_role(self, p: Person, role: str) -> None:
        rng = self.rng
        p.role = role
        if role == "lixiu":  # 离休: joined the revolution before 1949-10-01
            p.category, p.post, p.cadre_level = "离休人员", "干部", "无"
            p.male = rng.random() < 0.7
            p.birth = date(rng.randint(1927, 1931), rng.randint(1, 12), rng.randint(1, 28))
            p.id18 = make_id(rng, rng.choice(["321001", "321002"]), p.birth, p.male)
            p.roster_id = p.id18
            p.name = self._name(p.male)
            p.work = (p.birth.year + 18, rng.randint(1, 9)) if p.birth.year + 18 <= 1948 else (1949, 4)
            p.retire = statutory_retirement(p.birth, p.male, "干部")
            p.pension = round(rng.uniform(5200, 6500), 2)
            p.remarks = "离休干部"
        elif role == "central":
            p.category, p.post, p.cadre_level = "中央管理的领导干部", "干部", "中央管理"
        elif role == "county_cadre":
            p.category, p.post, p.cadre_level = "县级以上党委管理的企业退休领导干部", "干部", "县级以上党委管理"
            p.docs["doc_file"] = "无"
        elif role in ("neitui", "yishu"):
            p.category = "内部退养人员" if role == "neitui" else "供养遗属"
            p.remarks = "内部退养" if role == "neitui" else "供养遗属（配偶）"
        elif role == "shiye":
            p.category = "企业管理的事业单位退休人员"
            if rng.random() < 0.5:
                p.cells["category"] = "事业单位退休人员"  # a policy alias
        if not p.handed_over:
            p.docs = {f: rng.choice(["无", "", "√"]) for f in DOC_FIELDS}

    def apply_place(self, p: Person, role: str) -> None:
        rng = self.rng
        p.role = role
        home = self.counties[p.expected_county or "321002"]
        if role == "med_city":
            p.medical = rng.choice(CITY_LEVEL_MEDICAL)  # city level: falls through to 户籍
        elif role == "med_empty":
            p.medical = ""
        elif role == "outside_res":
            p.residence = self.outside()
        elif role == "outside_all":
            p.medical, p.household, p.residence = "", self.outside(), self.outside()
            p.expected_county = None
        elif role == "cross_county":
            other = self.pick_county(exclude=home.code)
            p.residence = self.home_address(other)
        elif role == "ambiguous":
            g = self.counties["321002"]
            p.medical = self.medical_of(g)
            p.residence = f"{rng.choice(['扬州市广陵区', '广陵区'])}{AMBIGUOUS_KEYWORD}{rng.randint(2, 300)}号"
            p.household = p.residence if rng.random() < 0.5 else self.home_address(g)
            p.expected_county = "321002"
        elif role == "provincial":
            p.provincial = True
            other = self.pick_county(exclude=home.code)
            p.medical = self.medical_of(other)
            p.expected_county = other.code
        elif role == "provincial_city":
            p.provincial, p.medical, p.expected_county = True, "扬州市本级", None
