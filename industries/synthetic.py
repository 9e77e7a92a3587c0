"""Synthetic enterprises for demos, tests and benchmarks. Every row is marked ``is_synthetic``.

Realistic where it matters for the product and its benchmarks:
- division shares and the size mix per division follow the Economic Census 2013 (BBS) counts in the
  domain facts (Rajshahi ~14.85%); Mymensingh, carved out of Dhaka later, shares Dhaka's 2013 figure by area;
- inside a division, enterprises spread over upazilas by area, with city corporations weighted up
  (⚠ our assumption: no district-level census counts were found);
- points fall inside the detailed upazila boundary, clustered around its centre;
- investment and workers are drawn so that ``classify_size`` gives the census size class;
- names and products are Bangla/English pairs of typical BSCIC cottage and small industries.

Reproducible: the same seed, count and boundaries give the same rows. Rows are written with COPY and
located with the same set-based SQL as every other path (industries.locate), so a million rows take
minutes, not hours.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from django.db import connection, transaction
from django.utils import timezone

from .bangla import name_key_series
from .data_version import data_version_bump
from .locate import locate_enterprises
from .models import Enterprise, Upazila
from .size_class import SIZE_TABLES, Kind, SizeClass, classify_size_array

SIZES = [SizeClass.COTTAGE, SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM, SizeClass.LARGE]

# Economic Census 2013, establishments by division and size class (cottage, micro, small, medium, large).
CENSUS_2013 = {
    "10": (335_605, 3_066, 29_128, 252, 78),  # Barishal
    "20": (1_142_924, 15_371, 167_226, 1_253, 855),  # Chattogram
    "30": (2_166_733, 36_155, 331_391, 3_466, 3_288),  # Dhaka, including today's Mymensingh (45)
    "40": (906_578, 7_624, 81_876, 623, 385),  # Khulna
    "50": (1_041_705, 17_825, 100_028, 804, 307),  # Rajshahi
    "55": (889_786, 20_059, 111_531, 487, 177),  # Rangpur
    "60": (359_553, 3_907, 38_138, 221, 160),  # Sylhet
}
CENSUS_SHARED = {"45": "30"}  # Mymensingh division takes its part of Dhaka's 2013 counts

# ⚠ Assumptions of ours, not census figures: BSCIC's register is mostly manufacturing; cities are denser.
MANUFACTURING_SHARE = 0.7
CITY_CORPORATION_WEIGHT = 20.0
REGISTERED_SHARE = 0.35
STATED_DISTRICT_ERROR_SHARE = 0.01

# (English, Bangla, ISIC section, ISIC division, kind, weight)
PRODUCTS = [
    ("Handloom saree", "তাঁতের শাড়ি", "C", "13", Kind.MANUFACTURING, 8),
    ("Rajshahi silk", "রাজশাহী সিল্ক", "C", "13", Kind.MANUFACTURING, 2),
    ("Nakshi kantha", "নকশিকাঁথা", "C", "13", Kind.MANUFACTURING, 3),
    ("Jute goods", "পাটজাত পণ্য", "C", "13", Kind.MANUFACTURING, 3),
    ("Tailoring and garments", "দর্জি ও পোশাক", "C", "14", Kind.MANUFACTURING, 6),
    ("Leather footwear", "চামড়ার জুতা", "C", "15", Kind.MANUFACTURING, 2),
    ("Bamboo and cane products", "বাঁশ ও বেতের পণ্য", "C", "16", Kind.MANUFACTURING, 4),
    ("Shital pati", "শীতল পাটি", "C", "32", Kind.MANUFACTURING, 1),
    ("Pottery and terracotta", "মৃৎশিল্প", "C", "23", Kind.MANUFACTURING, 3),
    ("Brass and bell-metal", "কাঁসা ও পিতল", "C", "25", Kind.MANUFACTURING, 1),
    ("Light engineering workshop", "হালকা প্রকৌশল কারখানা", "C", "25", Kind.MANUFACTURING, 5),
    ("Agricultural machinery repair", "কৃষি যন্ত্রপাতি মেরামত", "C", "33", Kind.MANUFACTURING, 2),
    ("Rice mill", "চালকল", "C", "10", Kind.MANUFACTURING, 8),
    ("Bakery and confectionery", "বেকারি ও মিষ্টান্ন", "C", "10", Kind.MANUFACTURING, 6),
    ("Spices and mustard oil", "মসলা ও সরিষার তেল", "C", "10", Kind.MANUFACTURING, 4),
    ("Mango processing", "আম প্রক্রিয়াজাতকরণ", "C", "10", Kind.MANUFACTURING, 1),
    ("Wood furniture", "কাঠের আসবাবপত্র", "C", "31", Kind.MANUFACTURING, 6),
    ("Printing and packaging", "ছাপাখানা ও প্যাকেজিং", "C", "18", Kind.MANUFACTURING, 2),
    ("Plastic products", "প্লাস্টিক পণ্য", "C", "22", Kind.MANUFACTURING, 2),
    ("Bricks", "ইট", "C", "23", Kind.MANUFACTURING, 2),
    ("Motor workshop", "মোটর ওয়ার্কশপ", "G", "45", Kind.SERVICE, 4),
    ("Restaurant", "রেস্তোরাঁ", "I", "56", Kind.SERVICE, 4),
    ("Mobile and computer repair", "মোবাইল ও কম্পিউটার মেরামত", "S", "95", Kind.SERVICE, 4),
    ("Beauty parlour", "বিউটি পার্লার", "S", "96", Kind.SERVICE, 2),
    ("Cold storage", "হিমাগার", "H", "52", Kind.SERVICE, 1),
    ("Software and ICT services", "সফটওয়্যার ও আইসিটি সেবা", "J", "62", Kind.SERVICE, 1),
    ("Photo studio", "ফটো স্টুডিও", "M", "74", Kind.SERVICE, 1),
    ("Courier service", "কুরিয়ার সার্ভিস", "H", "53", Kind.SERVICE, 1),
]
NAME_WORDS = [
    ("Rahman", "রহমান"),
    ("Karim", "করিম"),
    ("Mondal", "মণ্ডল"),
    ("Sarkar", "সরকার"),
    ("Islam", "ইসলাম"),
    ("Hossain", "হোসেন"),
    ("Biswas", "বিশ্বাস"),
    ("Das", "দাস"),
    ("Saha", "সাহা"),
    ("Pramanik", "প্রামানিক"),
    ("Modern", "মডার্ন"),
    ("New", "নিউ"),
    ("Bismillah", "বিসমিল্লাহ"),
    ("Sonar Bangla", "সোনার বাংলা"),
    ("Padma", "পদ্মা"),
    ("Jamuna", "যমুনা"),
    ("Karatoya", "করতোয়া"),
    ("Barind", "বরেন্দ্র"),
    ("Mayer Doa", "মায়ের দোয়া"),
    ("Bhai Bhai", "ভাই ভাই"),
    ("Alif", "আলিফ"),
    ("Rupali", "রূপালী"),
]
NAME_SUFFIXES = [
    ("Industries", "ইন্ডাস্ট্রিজ"),
    ("Enterprise", "এন্টারপ্রাইজ"),
    ("Works", "ওয়ার্কস"),
    ("& Sons", "এন্ড সন্স"),
    ("Shilpa", "শিল্প"),
    ("Traders", "ট্রেডার্স"),
]
FIRST_NAMES = [
    "Abdul",
    "Mohammad",
    "Rahima",
    "Fatema",
    "Nasrin",
    "Shahidul",
    "Rafiqul",
    "Jahanara",
    "Kamal",
    "Selina",
    "Anwar",
    "Moushumi",
    "Habibur",
    "Shirin",
    "Gopal",
    "Anjali",
    "Mizanur",
    "Rokeya",
]
LAST_NAMES = [
    "Rahman",
    "Hossain",
    "Islam",
    "Akter",
    "Begum",
    "Sarkar",
    "Mondal",
    "Khatun",
    "Das",
    "Roy",
    "Uddin",
    "Ali",
    "Chowdhury",
    "Pramanik",
    "Sheikh",
    "Biswas",
]

# Every column of the model but the id and those no generated row sets: the areas (located after the COPY,
# as for every writer), ``deleted``, ``merged_into`` and the stated size class (a generated unit states
# none: the database default, blank).
NOT_GENERATED = {
    "id",
    "division_id",
    "district_id",
    "upazila_id",
    "deleted",
    "merged_into_id",
    "stated_size_class",
}
COLUMNS = [field.column for field in Enterprise._meta.concrete_fields if field.column not in NOT_GENERATED]
CHUNK_SIZE = 100_000


@dataclass
class Areas:
    """The upazilas to sample in, with what sampling needs, in a stable order."""

    ids: np.ndarray
    district_ids: np.ndarray
    district_codes: np.ndarray
    division_codes: np.ndarray
    labels: np.ndarray  # "Upazila, District" for the address
    weights: np.ndarray
    geoms: np.ndarray  # shapely, prepared

    @classmethod
    def from_database(cls) -> "Areas":
        rows = list(
            Upazila.objects.order_by("geocode").values_list(
                "id",
                "district_id",
                "district__code",
                "district__division__code",
                "name_en",
                "district__name_en",
                "area_km2",
                "unit_type",
                "geom",
            )
        )
        if not rows:
            raise RuntimeError("No upazilas: run `manage.py load_admin_geography` first.")
        geoms = shapely.from_wkb([bytes(r[8].wkb) for r in rows])
        shapely.prepare(geoms)
        is_city = np.array([r[7] == Upazila.UnitType.CITY_CORPORATION for r in rows])
        return cls(
            ids=np.array([r[0] for r in rows]),
            district_ids=np.array([r[1] for r in rows]),
            district_codes=np.array([r[2] for r in rows]),
            division_codes=np.array([r[3] for r in rows]),
            labels=np.array([f"{r[4]}, {r[5]}" for r in rows], dtype=object),
            weights=np.array([r[6] for r in rows]) * np.where(is_city, CITY_CORPORATION_WEIGHT, 1.0),
            geoms=geoms,
        )

    def division_probabilities(self) -> dict[str, tuple[float, np.ndarray]]:
        """Per division: its share of all enterprises and, for each of its upazilas, the share inside it."""
        totals = {code: sum(counts) for code, counts in CENSUS_2013.items()}
        area = {
            code: self.weights[self.division_codes == code].sum() for code in np.unique(self.division_codes)
        }
        result = {}
        for code in area:
            census = CENSUS_SHARED.get(code, code)
            sharing = [c for c in area if CENSUS_SHARED.get(c, c) == census]
            share = totals[census] / sum(totals.values()) * area[code] / sum(area[c] for c in sharing)
            inside = self.division_codes == code
            result[code] = (share, np.where(inside, self.weights, 0.0) / self.weights[inside].sum())
        return result


def _points_in(geom, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` points inside ``geom``: half around its centre, half uniform over it (rejection sampling)."""
    minx, miny, maxx, maxy = geom.bounds
    centre = shapely.get_coordinates(geom.representative_point())[0]
    spread = np.array([maxx - minx, maxy - miny]) / 6
    found = np.empty((0, 2))
    while len(found) < count:
        n = max(2 * (count - len(found)), 16)
        near = rng.normal(centre, spread, size=(n // 2, 2))
        anywhere = rng.uniform((minx, miny), (maxx, maxy), size=(n - n // 2, 2))
        candidates = np.vstack([near, anywhere])
        found = np.vstack([found, candidates[shapely.contains_xy(geom, candidates[:, 0], candidates[:, 1])]])
    return rng.permutation(found[:count])


def _figures(kinds: np.ndarray, sizes: np.ndarray, policy: str, rng: np.random.Generator):
    """Investment and workers that classify as ``sizes``: one criterion in the class's band, the other in
    the band or below it (where assets and workers disagree, the higher class wins)."""
    n = len(kinds)
    investment = np.zeros(n)
    workers = np.zeros(n, dtype=np.int64)
    for kind in (Kind.MANUFACTURING, Kind.SERVICE):
        bands = SIZE_TABLES[policy][kind]
        asset_bounds = [b.min_assets_bdt for b in bands] + [bands[-1].min_assets_bdt * 4]
        worker_bounds = [b.min_workers for b in bands] + [bands[-1].min_workers * 3]
        band_of_size = {band.size: i for i, band in enumerate(bands)}
        for size in SIZES:
            rows = np.flatnonzero((kinds == kind) & (sizes == size))
            if not len(rows):
                continue
            # The bottom band holds both cottage and (for services) micro; they differ by family_based.
            i = band_of_size.get(size, 0)
            a_lo, a_hi = max(asset_bounds[i], 20_000), asset_bounds[i + 1]
            w_lo, w_hi = max(worker_bounds[i], 1), worker_bounds[i + 1]
            driver = rng.choice(3, size=len(rows), p=[0.5, 0.25, 0.25])  # both / assets / workers in band
            assets = np.exp(rng.uniform(np.log(a_lo), np.log(a_hi), len(rows)))
            staff = rng.integers(w_lo, w_hi, len(rows))
            below_assets = np.exp(rng.uniform(np.log(20_000), np.log(max(a_lo, 20_001)), len(rows)))
            below_staff = rng.integers(1, max(w_lo, 2), len(rows))
            investment[rows] = np.where(driver == 2, below_assets, assets).round(-3)
            workers[rows] = np.where(driver == 1, below_staff, staff)
    return investment.astype(np.int64), workers


def _chunk(areas: Areas, plan, start: int, count: int, seed: int, chunk_no: int, policy: str) -> pd.DataFrame:
    rng = np.random.default_rng([seed, chunk_no])
    divisions = list(plan)
    division_of_row = rng.choice(len(divisions), size=count, p=[plan[d][0] for d in divisions])
    upazila_index = np.empty(count, dtype=np.int64)
    sizes = np.empty(count, dtype=object)
    for i, code in enumerate(divisions):
        rows = np.flatnonzero(division_of_row == i)
        upazila_index[rows] = rng.choice(len(areas.ids), size=len(rows), p=plan[code][1])
        census = np.array(CENSUS_2013[CENSUS_SHARED.get(code, code)], dtype=float)
        sizes[rows] = np.array(SIZES, dtype=object)[rng.choice(5, size=len(rows), p=census / census.sum())]

    points = np.empty((count, 2))
    for u in np.unique(upazila_index):
        rows = np.flatnonzero(upazila_index == u)
        points[rows] = _points_in(areas.geoms[u], len(rows), rng)

    weights = np.array([p[5] for p in PRODUCTS], dtype=float)
    is_manufacturing = np.array([p[4] == Kind.MANUFACTURING for p in PRODUCTS])
    manufacturing = rng.random(count) < MANUFACTURING_SHARE
    product = np.where(
        manufacturing,
        rng.choice(
            len(PRODUCTS), count, p=np.where(is_manufacturing, weights, 0) / weights[is_manufacturing].sum()
        ),
        rng.choice(
            len(PRODUCTS), count, p=np.where(~is_manufacturing, weights, 0) / weights[~is_manufacturing].sum()
        ),
    )
    products = pd.DataFrame(PRODUCTS, columns=["en", "bn", "section", "division", "kind", "weight"]).iloc[
        product
    ]
    kinds = products["kind"].to_numpy(dtype=object)
    # Cottage units are family-run; a service unit in the bottom band is cottage only if it is.
    family = np.where(
        sizes == SizeClass.COTTAGE, True, np.where(sizes == SizeClass.MICRO, False, rng.random(count) < 0.1)
    )
    investment, workers = _figures(kinds, sizes, policy, rng)
    female = np.minimum((workers * rng.beta(2, 5, count)).round().astype(np.int64), workers)

    word = pd.DataFrame(NAME_WORDS, columns=["en", "bn"]).iloc[rng.integers(0, len(NAME_WORDS), count)]
    suffix = pd.DataFrame(NAME_SUFFIXES, columns=["en", "bn"]).iloc[
        rng.integers(0, len(NAME_SUFFIXES), count)
    ]
    short = products["en"].str.split(" ").str[0].to_numpy(dtype=object)
    first = np.array(FIRST_NAMES, dtype=object)[rng.integers(0, len(FIRST_NAMES), count)]
    last = np.array(LAST_NAMES, dtype=object)[rng.integers(0, len(LAST_NAMES), count)]

    stated = upazila_index.copy()
    wrong = np.flatnonzero(rng.random(count) < STATED_DISTRICT_ERROR_SHARE)
    stated[wrong] = rng.integers(0, len(areas.ids), len(wrong))

    serial = np.arange(start, start + count)
    nid_length = rng.choice([10, 13, 17], size=count, p=[0.5, 0.3, 0.2])
    nid = np.where(
        nid_length == 10,
        rng.integers(1_000_000_000, 9_999_999_999, count).astype(str),
        np.where(
            nid_length == 13,
            rng.integers(10**12, 10**13 - 1, count).astype(str),
            np.char.add(
                rng.integers(1950, 2005, count).astype(str),
                rng.integers(10**12, 10**13 - 1, count).astype(str),
            ),
        ),
    )
    now = timezone.now().isoformat()
    frame = pd.DataFrame(
        {
            "name_bn": word["bn"].to_numpy()
            + " "
            + products["bn"].to_numpy()
            + " "
            + suffix["bn"].to_numpy(),
            "name_en": word["en"].to_numpy() + " " + short + " " + suffix["en"].to_numpy(),
            "owner_name": first + " " + last,
            "owner_phone": np.char.add("+8801", rng.integers(300_000_000, 999_999_999, count).astype(str)),
            "owner_nid": nid,
            "address": areas.labels[upazila_index],
            "location": [f"SRID=4326;POINT({x:.6f} {y:.6f})" for x, y in points],
            "stated_district_id": areas.district_ids[stated],
            "stated_upazila_id": areas.ids[stated],
            "district_mismatch": False,
            "isic_section": products["section"].to_numpy(),
            "isic_division": products["division"].to_numpy(),
            "product": products["en"].to_numpy(),
            "product_bn": products["bn"].to_numpy(),
            "kind": kinds.astype(str),
            "is_family_based": family,
            "is_labour_intensive": False,
            "investment_bdt": investment,
            "workers_male": workers - female,
            "workers_female": female,
            "workers_total": workers,
            "size_class": classify_size_array(
                kinds.astype(str),
                investment.astype(float),
                workers.astype(float),
                policy=policy,
                family_based=family.astype(bool),
            ),
            "size_policy": policy,
            "year_established": np.clip(2025 - rng.gamma(2.0, 7.0, count).astype(int), 1947, 2025),
            "registration_no": np.where(
                rng.random(count) < REGISTERED_SHARE,
                np.char.add(f"SYN-{seed}-", serial.astype(str)),
                None,
            ),
            "status": np.where(rng.random(count) < 0.95, Enterprise.Status.ACTIVE, Enterprise.Status.CLOSED),
            "is_synthetic": True,
            "created": now,
            "updated": now,
        },
        columns=COLUMNS,
    )
    frame["name_en_key"] = name_key_series(frame["name_en"])
    frame["name_bn_key"] = name_key_series(frame["name_bn"])
    return frame


@transaction.atomic
def synthetic_enterprises_create(
    *, count: int, seed: int, policy: str, progress: Callable[[int, int], None] = lambda done, total: None
) -> int:
    """Generate and insert ``count`` synthetic enterprises; return how many were inserted.

    All rows go in one transaction: an interrupted run leaves nothing behind.
    """
    areas = Areas.from_database()
    plan = areas.division_probabilities()
    last_id = Enterprise.objects.order_by("-id").values_list("id", flat=True).first() or 0
    # Registration serials start past every existing id, so they never collide with earlier runs.
    first_serial = last_id + 1
    with connection.cursor() as cursor:
        for chunk_no, start in enumerate(range(0, count, CHUNK_SIZE)):
            frame = _chunk(
                areas, plan, first_serial + start, min(CHUNK_SIZE, count - start), seed, chunk_no, policy
            )
            buffer = io.StringIO()
            frame.to_csv(buffer, index=False, header=False)
            with cursor.cursor.copy(
                f"COPY industries_enterprise ({', '.join(COLUMNS)}) FROM STDIN WITH (FORMAT csv)"
            ) as copy:
                copy.write(buffer.getvalue())
            progress(start + len(frame), count)
    locate_enterprises(min_id=last_id + 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE industries_enterprise")
    transaction.on_commit(data_version_bump)
    return count
