"""Turn a raw table (every cell a string, the file's own headers) into enterprise rows, column by column.

Vectorised: each rule runs once over a whole column, so a million rows cost seconds. Every problem becomes
an issue (line, reason code); rejected rows are dropped from the result, warned rows keep going with the
doubtful value emptied or fixed. Checks that need the database (inside an upazila, in the stated district,
the same enterprise already stored) run later, set-based, in surveys/staging.py.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection

from industries.bangla import TO_ASCII_DIGITS, name_key_series, normalise_text_series
from industries.exceptions import AmbiguousAdminName, UnknownAdminName
from industries.models import BANGLADESH_EXTENT, YEAR_ESTABLISHED_RANGE, Enterprise
from industries.resolver import get_resolver
from industries.size_class import Kind, classify_size_array

from . import normalise as n
from .mapping import ColumnMapping
from .reasons import REASONS, REJECT
from .timing import phase

KIND_WORDS = {
    Kind.MANUFACTURING: [
        "manufacturing",
        "manufacture",
        "production",
        "industry",
        "m",
        "উৎপাদন",
        "উৎপাদনমুখী",
        "উৎপাদনশীল",
        "শিল্প",
    ],
    Kind.SERVICE: ["service", "services", "s", "সেবা", "সেবামূলক"],
}
SIZE_WORDS = {
    "cottage": ["cottage", "কুটির"],
    "micro": ["micro", "মাইক্রো", "অতি ক্ষুদ্র"],
    "small": ["small", "ক্ষুদ্র"],
    "medium": ["medium", "মাঝারি"],
    "large": ["large", "বৃহৎ", "বড়"],
}
STATUS_WORDS = {"active": ["active", "running", "open", "চালু", "সচল"], "closed": ["closed", "inactive", "বন্ধ"]}
_BANGLA_LETTER = "[\u0980-\u09ff]"


@dataclass
class Validated:
    rows: pd.DataFrame  # one row per accepted input row, canonical columns, index = position in the file
    issues: pd.DataFrame  # columns: position, code

    def add_issues(self, positions, code: str) -> None:
        positions = np.asarray(positions)
        if len(positions):
            self.issues = pd.concat([self.issues, pd.DataFrame({"position": positions, "code": code})])


def _column(raw: pd.DataFrame, mapping: ColumnMapping, target: str) -> pd.Series:
    header = mapping.header_of(target)
    if header is None:
        return pd.Series("", index=raw.index, dtype=object)
    if target not in _TEXT:
        return raw[header].fillna("")
    with phase("  validate: normalise text"):
        return normalise_text_series(raw[header])


_TEXT = {
    "name",
    "name_alt",
    "name_en",
    "name_bn",
    "owner_name",
    "address",
    "product",
    "product_bn",
    "district",
    "upazila",
    "division",
}


def _words(series: pd.Series, vocabulary: dict[str, list[str]]) -> pd.Series:
    lookup = {key: value for value, words in vocabulary.items() for key in name_key_series(pd.Series(words))}
    return name_key_series(series).map(lookup)


def validate(
    raw: pd.DataFrame, mapping: ColumnMapping, *, policy: str | None = None, latest_year: int | None = None
) -> Validated:
    """``latest_year``: of establishment; this year for a survey file (a surveyed unit exists)."""
    policy = policy or settings.SIZE_CLASS_POLICY
    latest_year = latest_year or pd.Timestamp.now().year
    present = set(mapping.columns.values())
    result = Validated(
        rows=pd.DataFrame(index=raw.index),
        issues=pd.DataFrame(columns=["position", "code"]),
    )
    rows = result.rows
    col = lambda target: _column(raw, mapping, target)  # noqa: E731

    def flag(mask: pd.Series, code: str) -> None:
        result.add_issues(raw.index[mask.fillna(False).to_numpy(bool)], code)

    # Names: an explicit column per language, else the generic name columns split by script.
    rows["name_en"], rows["name_bn"] = col("name_en"), col("name_bn")
    for target in ("name", "name_alt"):
        generic = col(target)
        is_bangla = generic.str.contains(_BANGLA_LETTER, regex=True)
        rows["name_en"] = rows.name_en.where(rows.name_en != "", generic.where(~is_bangla, ""))
        rows["name_bn"] = rows.name_bn.where(rows.name_bn != "", generic.where(is_bangla, ""))
    flag((rows.name_en == "") & (rows.name_bn == ""), "name_missing")
    with phase("  validate: name keys"):
        rows["name_en_key"] = name_key_series(rows.name_en)
        rows["name_bn_key"] = name_key_series(rows.name_bn)
    for target in ("owner_name", "address"):
        rows[target] = col(target)
    # Products: with a Bangla product column, "product" is the English one; alone, it is split by script.
    rows["product"], rows["product_bn"] = col("product"), col("product_bn")
    if "product_bn" not in present:
        is_bangla = rows["product"].str.contains(_BANGLA_LETTER, regex=True)
        rows["product_bn"] = rows["product"].where(is_bangla, "")
        rows["product"] = rows["product"].where(~is_bangla, "")
    enterprise_id, enterprise_id_bad = n.parse_integer(col("enterprise_id"))
    enterprise_id_bad |= enterprise_id <= 0
    flag(enterprise_id_bad, "enterprise_id_invalid")
    rows["enterprise_id"] = enterprise_id.mask(enterprise_id_bad)
    rows["registration_no"] = (
        col("registration_no")
        .astype(str)
        .pipe(normalise_text_series)
        .str.translate(TO_ASCII_DIGITS)
        .replace("", None)
    )

    # Coordinates: separate columns, else one column with both.
    lat, lat_bad = n.parse_coordinate(col("latitude"), "lat")
    lon, lon_bad = n.parse_coordinate(col("longitude"), "lon")
    pair_lat, pair_lon, pair_bad = n.parse_coordinate_pair(col("coordinates"))
    use_pair = lat.isna() & lon.isna() & (col("coordinates") != "")
    lat, lon = lat.where(~use_pair, pair_lat), lon.where(~use_pair, pair_lon)
    unreadable = (lat_bad | lon_bad) & ~use_pair | (use_pair & pair_bad)
    empty = lat.isna() & lon.isna() & ~unreadable
    flag(empty, "coordinates_missing")
    flag(unreadable | (lat.isna() ^ lon.isna()), "coordinates_invalid")
    flag((lat == 0) | (lon == 0), "coordinates_zero")
    lat, lon, swapped = n.fix_swapped(lat, lon)
    flag(swapped, "coordinates_swapped")
    min_lon, min_lat, max_lon, max_lat = BANGLADESH_EXTENT
    outside = lat.notna() & lon.notna() & (lat != 0) & (lon != 0)
    outside &= ~(lat.between(min_lat, max_lat) & lon.between(min_lon, max_lon))
    flag(outside, "outside_bangladesh")
    rows["latitude"], rows["longitude"] = lat, lon

    # Stated places, resolved once per distinct value.
    district_ids, district_refs = _resolve_places(col("district"), level="district")
    flag((col("district") != "") & district_ids.isna(), "district_unknown")
    rows["stated_district_id"] = district_ids
    upazila_ids = _resolve_upazilas(col("upazila"), col("district"), district_refs)
    flag((col("upazila") != "") & upazila_ids.isna(), "upazila_unknown")
    rows["stated_upazila_id"] = upazila_ids

    # Activity, money, people.
    rows["isic_section"] = col("isic_section").astype(str).str.strip().str.upper().str.slice(0, 1)
    rows["isic_division"] = (
        col("isic_division")
        .astype(str)
        .str.translate(TO_ASCII_DIGITS)
        .str.extract(r"(\d{2})", expand=False)
        .fillna("")
    )
    kind = _words(col("kind"), KIND_WORDS)
    flag(kind.isna(), "kind_unknown")
    rows["kind"] = kind.fillna(Kind.MANUFACTURING)
    family, family_bad = n.parse_bool(col("is_family_based"))
    intensive, intensive_bad = n.parse_bool(col("is_labour_intensive"))
    flag(family_bad | intensive_bad, "value_invalid")
    rows["is_family_based"] = family.fillna(False).astype(bool)
    rows["is_labour_intensive"] = intensive.fillna(False).astype(bool)

    investment, investment_bad = n.parse_amount(col("investment_bdt"))
    flag(investment_bad, "amount_invalid")
    counts = {}
    for target in ("workers_male", "workers_female", "workers_total"):
        counts[target], bad = n.parse_integer(col(target))
        flag(bad, "count_invalid")
    negative = (investment < 0) | (counts["workers_male"] < 0) | (counts["workers_female"] < 0)
    negative |= counts["workers_total"] < 0
    flag(negative, "negative_value")
    # The row is rejected; blank its figures so that the size class below is computed for the others.
    investment = investment.mask(negative)
    counts = {target: values.mask(negative) for target, values in counts.items()}
    total = counts["workers_total"].fillna(counts["workers_male"] + counts["workers_female"])
    flag(
        total < counts["workers_male"].fillna(0) + counts["workers_female"].fillna(0), "workers_inconsistent"
    )
    rows["investment_bdt"] = investment.round()
    rows["workers_male"], rows["workers_female"], rows["workers_total"] = (
        counts["workers_male"],
        counts["workers_female"],
        total,
    )

    year, year_bad = n.parse_year(col("year_established"))
    date_year, date_bad = n.parse_year(col("date_established"))
    year = year.fillna(date_year)
    implausible = year.notna() & ~year.between(YEAR_ESTABLISHED_RANGE[0], latest_year)
    flag(year_bad | date_bad | implausible, "date_invalid")
    rows["year_established"] = year.where(~implausible)

    phones, phone_bad = n.normalise_phones(col("owner_phone"))
    flag(phone_bad, "phone_invalid")
    nids, nid_bad = n.normalise_nids(col("owner_nid"))
    flag(nid_bad, "nid_invalid")
    rows["owner_phone"], rows["owner_nid"] = phones.fillna(""), nids.fillna("")

    status = _words(col("status"), STATUS_WORDS)
    flag((col("status").astype(str).str.strip() != "") & status.isna(), "value_invalid")
    rows["status"] = status.fillna("active")

    # Size class: computed, never taken from the file; a file that says otherwise gets a warning.
    rows["size_class"] = classify_size_array(
        rows.kind.to_numpy(),
        rows.investment_bdt.to_numpy(float),
        rows.workers_total.to_numpy(float),
        policy=policy,
        family_based=rows.is_family_based.to_numpy(),
        labour_intensive=rows.is_labour_intensive.to_numpy(),
    )
    stated_size = _words(col("size_class"), SIZE_WORDS)
    flag(
        stated_size.notna() & rows.size_class.notna() & (stated_size != rows.size_class), "size_class_differs"
    )
    rows["stated_size_class"] = stated_size.fillna("")
    rows["size_policy"] = np.where(rows.size_class.isna(), "", policy)
    rows["size_class"] = rows.size_class.fillna("")

    # What the database cannot hold is rejected here, row by row, not by the database for the whole batch.
    too_long = pd.Series(False, index=rows.index)
    for target, limit in TEXT_LIMITS.items():
        too_long |= rows[target].fillna("").str.len() > limit
    flag(too_long, "text_too_long")
    too_large = pd.Series(False, index=rows.index)
    for target, (low, high) in NUMBER_RANGES.items():
        too_large |= (rows[target] < low) | (rows[target] > high)
    flag(too_large, "number_too_large")

    rejected = result.issues.code.map(lambda code: REASONS[code].severity == REJECT)
    result.rows = rows.drop(index=result.issues.position[rejected.astype(bool)].unique())
    return result


def _limits():
    fields = {f.name: f for f in Enterprise._meta.concrete_fields}
    texts = (
        "name_en",
        "name_bn",
        "name_en_key",
        "name_bn_key",
        "owner_name",
        "product",
        "product_bn",
        "registration_no",
    )
    numbers = ("investment_bdt", "workers_male", "workers_female", "workers_total", "year_established")
    ranges = {}
    for name in numbers:
        low, high = connection.ops.integer_field_range(fields[name].get_internal_type())
        ranges[name] = (float("-inf") if low is None else low, float("inf") if high is None else high)
    return {name: fields[name].max_length for name in texts}, ranges


TEXT_LIMITS, NUMBER_RANGES = _limits()


@phase("  validate: places")
def _resolve_places(values: pd.Series, *, level: str) -> tuple[pd.Series, dict]:
    """Ids of the named units (NaN where unknown or ambiguous), and the resolved unit per distinct name."""
    resolver = get_resolver()
    refs = {}
    for value in values.unique():
        try:
            refs[value] = resolver.resolve(value, level=level) if value else None
        except (UnknownAdminName, AmbiguousAdminName):
            refs[value] = None
    return values.map(lambda v: refs[v].id if refs[v] else np.nan).astype(float), refs


@phase("  validate: places")
def _resolve_upazilas(values: pd.Series, districts: pd.Series, district_refs: dict) -> pd.Series:
    """Upazila ids, each name looked up inside the row's stated district when there is one."""
    resolver = get_resolver()
    pairs = pd.DataFrame({"upazila": values, "district": districts})
    distinct = pairs.drop_duplicates()
    ids = []
    for upazila, district in distinct.itertuples(index=False):
        try:
            within = district_refs.get(district)
            ids.append(resolver.resolve(upazila, level="upazila", within=within).id if upazila else np.nan)
        except (UnknownAdminName, AmbiguousAdminName):
            ids.append(np.nan)
    found = distinct.assign(upazila_id=ids)
    return (
        pairs.merge(found, on=["upazila", "district"], how="left")
        .upazila_id.set_axis(values.index)
        .astype(float)
    )
