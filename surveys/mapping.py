"""Which column of a survey file is which field of an enterprise.

Headers are compared by ``name_key`` (case, spacing, punctuation and Unicode form do not count), against
the common English and Bangla variants below. A mapping file (YAML or JSON, ``{"Header in file": "field"}``)
maps anything else, and wins over the built-in variants. A header that maps to nothing is reported, never
silently dropped. The mapping actually used is stored with the batch.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from industries.bangla import name_key

from .exceptions import BadMapping

# field -> header variants seen in BSCIC survey sheets, Kobo forms and GIS layers.
HEADER_VARIANTS: dict[str, list[str]] = {
    # Our own id of the enterprise, as the data-quality sheet for field teams gives it (quality.exports):
    # a row that carries it updates that enterprise, wherever its corrected point or name now is.
    "enterprise_id": ["enterprise id", "gis id", "id in the gis", "প্রতিষ্ঠান আইডি"],
    "registration_no": [
        "registration no",
        "registration number",
        "bscic registration no",
        "reg no",
        "bscic reg no",
        "নিবন্ধন নম্বর",
        "রেজিস্ট্রেশন নম্বর",
        "নিবন্ধন নং",
    ],
    # "name" alone is routed per row by script: Bangla letters → name_bn, else name_en. A second generic
    # name column (sheets often have "প্রতিষ্ঠানের নাম" and "Name of Enterprise") becomes "name_alt",
    # routed the same way.
    "name_alt": [],
    "name": [
        "name",
        "name of enterprise",
        "enterprise name",
        "name of industry",
        "industry name",
        "unit name",
        "firm name",
        "business name",
        "প্রতিষ্ঠানের নাম",
        "শিল্পের নাম",
        "শিল্প প্রতিষ্ঠানের নাম",
        "নাম",
    ],
    "name_en": ["name_en", "name (english)", "name in english", "english name", "enterprise name (english)"],
    "name_bn": [
        "name_bn",
        "name (bangla)",
        "name (bengali)",
        "name in bangla",
        "bangla name",
        "প্রতিষ্ঠানের নাম (বাংলা)",
        "বাংলা নাম",
    ],
    "owner_name": [
        "owner",
        "owner name",
        "name of owner",
        "proprietor",
        "entrepreneur",
        "entrepreneur name",
        "উদ্যোক্তার নাম",
        "মালিকের নাম",
        "উদ্যোক্তা",
    ],
    "owner_phone": [
        "phone",
        "mobile",
        "mobile no",
        "mobile number",
        "phone number",
        "contact no",
        "owner phone",
        "owner mobile",
        "মোবাইল",
        "মোবাইল নম্বর",
        "মোবাইল নং",
        "ফোন",
        "ফোন নম্বর",
    ],
    "owner_nid": [
        "nid",
        "nid no",
        "nid number",
        "national id",
        "national id no",
        "owner nid",
        "জাতীয় পরিচয়পত্র নম্বর",
        "এনআইডি",
        "এনআইডি নম্বর",
    ],
    "address": ["address", "full address", "ঠিকানা", "প্রতিষ্ঠানের ঠিকানা"],
    "latitude": ["latitude", "lat", "gps latitude", "_latitude", "y", "অক্ষাংশ"],
    "longitude": ["longitude", "lon", "long", "lng", "gps longitude", "_longitude", "x", "দ্রাঘিমাংশ"],
    "coordinates": ["coordinates", "gps", "gps coordinates", "geolocation", "location", "স্থানাঙ্ক"],
    "division": ["division", "বিভাগ"],
    "district": ["district", "zila", "zilla", "district name", "জেলা"],
    "upazila": ["upazila", "upazila/thana", "thana", "upazila name", "উপজেলা", "উপজেলা/থানা", "থানা"],
    "isic_section": ["isic section", "bsic section", "section"],
    "isic_division": ["isic division", "bsic division", "isic", "bsic", "isic code", "bsic code"],
    "product": [
        "product",
        "products",
        "main product",
        "activity",
        "type of industry",
        "industry type",
        "পণ্য",
        "উৎপাদিত পণ্য",
        "প্রধান পণ্য",
        "শিল্পের ধরন",
        "পণ্যের নাম",
    ],
    # "product" is routed per row by script like "name", unless the file also has this Bangla column.
    "product_bn": [
        "product_bn",
        "product (bangla)",
        "product (bengali)",
        "product in bangla",
        "bangla product",
        "products (bangla)",
        "activity (bangla)",
        "পণ্য (বাংলা)",
        "বাংলায় পণ্য",
        "উৎপাদিত পণ্য (বাংলা)",
        "প্রধান পণ্য (বাংলা)",
    ],
    "kind": [
        "kind",
        "type",
        "enterprise type",
        "manufacturing/service",
        "sector type",
        "nature",
        "প্রকৃতি",
        "ধরন",
        "উৎপাদন/সেবা",
    ],
    "is_family_based": ["family based", "family-based", "family run", "পারিবারিক"],
    "is_labour_intensive": ["labour intensive", "labor intensive", "শ্রমঘন"],
    "investment_bdt": [
        "investment",
        "fixed investment",
        "investment (tk)",
        "investment tk",
        "investment bdt",
        "fixed assets",
        "capital",
        "বিনিয়োগ",
        "মোট বিনিয়োগ",
        "স্থায়ী বিনিয়োগ",
        "বিনিয়োগ (টাকা)",
    ],
    "workers_male": ["male workers", "male", "workers male", "পুরুষ", "পুরুষ শ্রমিক"],
    "workers_female": [
        "female workers",
        "female",
        "workers female",
        "নারী",
        "মহিলা",
        "নারী শ্রমিক",
        "মহিলা শ্রমিক",
    ],
    "workers_total": [
        "workers",
        "total workers",
        "employees",
        "number of workers",
        "manpower",
        "শ্রমিক",
        "মোট শ্রমিক",
        "শ্রমিক সংখ্যা",
        "কর্মী সংখ্যা",
        "জনবল",
        "মোট জনবল",
    ],
    "year_established": [
        "year established",
        "year of establishment",
        "establishment year",
        "established",
        "প্রতিষ্ঠার বছর",
        "প্রতিষ্ঠাকাল",
        "স্থাপনকাল",
    ],
    "date_established": ["date of establishment", "establishment date", "date established", "প্রতিষ্ঠার তারিখ"],
    "size_class": [
        "size",
        "size class",
        "class",
        "category of industry",
        "শিল্পের শ্রেণি",
        "শ্রেণি",
        "শিল্পের শ্রেণী",
        "শ্রেণী",
    ],
    "status": ["status", "অবস্থা", "বর্তমান অবস্থা"],
}
FIELDS = tuple(HEADER_VARIANTS)
_BY_KEY = {name_key(variant): f for f, variants in HEADER_VARIANTS.items() for variant in [f, *variants]}
# Columns a reader adds itself (points of GIS layers, Kobo geolocation).
_BY_KEY |= {"_longitude": "longitude", "_latitude": "latitude"}


@dataclass
class ColumnMapping:
    columns: dict[str, str] = field(default_factory=dict)  # header in file -> field
    unmapped: list[str] = field(default_factory=list)  # headers that map to nothing

    def header_of(self, target: str) -> str | None:
        return next((header for header, f in self.columns.items() if f == target), None)

    def as_json(self) -> dict:
        return {"columns": self.columns, "unmapped": self.unmapped}


def load_mapping_file(path: Path) -> dict[str, str]:
    """A mapping file: YAML or JSON object of ``header: field``; a field of null/"" means 'ignore'."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
        data = json.loads(text) if Path(path).suffix.lower() == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as error:
        raise BadMapping(f"{Path(path).name}: {error}") from None
    if not isinstance(data, dict):
        raise BadMapping(f"{Path(path).name}: expected an object of 'header: field' pairs")
    unknown = {str(v) for v in data.values() if v not in (None, "") and v not in FIELDS}
    if unknown:
        raise BadMapping(f"unknown field(s) {', '.join(sorted(unknown))}; fields are: {', '.join(FIELDS)}")
    return {str(k): (v or "") for k, v in data.items()}


def resolve_columns(headers: list[str], overrides: dict[str, str] | None = None) -> ColumnMapping:
    """Map the file's headers to fields: the mapping file first, then the known variants."""
    overrides = {name_key(k): v for k, v in (overrides or {}).items()}
    mapping = ColumnMapping()
    taken: set[str] = set()
    for header in headers:
        key = name_key(header)
        if key in overrides:
            target = overrides[key]
            if not target:  # explicitly ignored in the mapping file
                continue
        else:
            target = _BY_KEY.get(key)
        if target == "name" and "name" in taken:
            target = "name_alt"
        if target is None or target in taken:
            mapping.unmapped.append(header)
            continue
        mapping.columns[header] = target
        taken.add(target)
    return mapping
