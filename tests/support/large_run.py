"""A larger generated run for the print checks: ``enterprises`` transfer workbooks of ``people``
each (50 × 100 = 5,000 people by default), seeded, in the bundled sample's own layout and against
its catalogue (samples/catalog.csv), drawn by the sample generator's people factory
(samples/_gen_people.py: names, IDs, addresses, family contacts, documents).

Each enterprise has its own county weights (where its retirees live), so some receiving units
get many people from one enterprise and many enterprises hand over to the same unit; every
seventh enterprise has two people whose ID check digit is wrong (rejected: their receipt lists
them with a Chinese reason)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
SEED = 20261202
COUNTIES = ["321002", "321003", "321012", "321081", "321084", "321023"]
WORDS = "红旗 光明 东方 前进 胜利 新华 长江 运河 友谊 曙光 红星 江淮 维扬 永兴 华通 振兴 金鹰".split()
KINDS = ["机械厂", "纺织厂", "化工厂", "电机厂", "食品厂", "印刷厂", "建筑公司", "棉纺厂", "轴承厂", "阀门厂"]


def _samples_modules():
    if str(SAMPLES) not in sys.path:
        sys.path.insert(0, str(SAMPLES))
    import _gen_catalog
    import _gen_common
    import _gen_people
    import _gen_write

    return _gen_catalog, _gen_common, _gen_people, _gen_write


def write_large_run(out: Path, enterprises: int = 50, people: int = 100, seed: int = SEED) -> list[Path]:
    """Write the workbooks into ``out``; the same files for the same seed."""
    from faker import Faker

    gen_catalog, gen_common, gen_people, gen_write = _samples_modules()
    units = gen_catalog.build_units()
    rng = random.Random(seed)
    names = [f"扬州市{w}{k}" for w in WORDS for k in KINDS]
    rng.shuffle(names)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(enterprises):
        weights = {c: rng.choice([1, 2, 5, 20, 60]) for c in COUNTIES}
        fac = gen_people.PeopleFactory(random.Random(seed + 1 + n), fake, units, weights)
        crowd = [fac.person() for _ in range(people)]
        if n % 7 == 0:
            for p in crowd[3:5]:
                last = p.id18[-1]
                p.id18 = p.id18[:-1] + ("0" if last != "0" else "1")
                p.roster_id = p.id18
        credit = gen_common.make_uscc(rng, rng.choice(COUNTIES))
        path = out / f"enterprise_{n + 1:02d}.xlsx"
        gen_write.write_enterprise_a(path, crowd, random.Random(seed + 1000 + n), names[n], credit)
        paths.append(path)
    return paths
