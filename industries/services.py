"""Writes of the industries app: loading the admin geography, saving, deleting and restoring enterprises."""

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import shapely
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from .data_version import boundaries_version_bump, data_version_bump
from .locate import locate_enterprises
from .models import District, Division, Enterprise, Upazila, UpazilaPiece
from .resolver import get_resolver
from .size_class import classify_size

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures" / "bd-admin"
LEVEL_FILES = {
    "division": "bd_divisions.geojson.gz",
    "district": "bd_districts.geojson.gz",
    "upazila": "bd_upazilas.geojson.gz",
}
EXPECTED_COUNTS = {"division": 8, "district": 64, "upazila": 507}
# ST_Subdivide's vertex limit: small pieces make the GiST index selective and each test cheap.
PIECE_MAX_VERTICES = 256

# Spellings seen in real data that the boundary files do not list (domain facts §5.5): the 2018 interim
# romanisations and a common Bangla variant. Keyed on geocode.
EXTRA_ALIASES = {
    "2015": ["Chattagram"],  # Chattogram district (the division file already has it)
    "2019": ["Kumilla"],  # Cumilla
    "5010": ["Bagura"],  # Bogura
    "3059": ["মুন্সীগঞ্জ"],  # Munshiganj, with dirgha-i
}

_COMMON_FIELDS = ["code", "pcode", "name_en", "name_bn", "aliases", "area_km2", "geom", "geom_simple"]


class AdminGeographyError(Exception):
    pass


def _read_level(directory: Path, level: str) -> gpd.GeoDataFrame:
    """The detailed and the simplified boundaries of one level, joined on geocode."""
    detail = gpd.read_file(f"/vsigzip/{directory / 'detail' / LEVEL_FILES[level]}")
    simple = gpd.read_file(f"/vsigzip/{directory / LEVEL_FILES[level]}", columns=["geocode"])
    if len(detail) != EXPECTED_COUNTS[level] or set(detail.geocode) != set(simple.geocode):
        raise AdminGeographyError(
            f"{level}: expected {EXPECTED_COUNTS[level]} units in both the detailed and simplified files, "
            f"found {len(detail)} and {len(simple)}."
        )
    for frame in (detail, simple):
        if frame.crs is not None and frame.crs.to_epsg() != 4326:
            raise AdminGeographyError(f"{level}: expected EPSG:4326 boundaries, got {frame.crs}.")
    simple = simple.set_index("geocode").geometry
    detail["geom_simple"] = detail.geocode.map(simple)
    return detail


def _geos(geometry) -> GEOSGeometry:
    return GEOSGeometry(memoryview(shapely.to_wkb(shapely.force_2d(geometry))), srid=4326)


def _unit_fields(row) -> dict:
    return {
        "code": row.code,
        "geocode": row.geocode,
        "pcode": row.pcode,
        "name_en": row.name_en,
        "name_bn": row.name_bn,
        "aliases": ([] if row.aliases is None else [str(a) for a in row.aliases])
        + EXTRA_ALIASES.get(row.geocode, []),
        "area_km2": float(row.area_km2),
        "geom": _geos(row.geometry),
        "geom_simple": _geos(row.geom_simple),
    }


def _upsert(model, objects: list, extra_fields: list[str]) -> dict[str, int]:
    model.objects.bulk_create(
        objects, update_conflicts=True, unique_fields=["geocode"], update_fields=_COMMON_FIELDS + extra_fields
    )
    return dict(model.objects.values_list("geocode", "id"))


@transaction.atomic
def admin_geography_load(
    *, directory: Path = FIXTURE_DIR, progress: Callable[[str], None] = lambda message: None
) -> dict[str, int]:
    """Load or refresh divisions, districts and upazilas from the fixtures, keyed on geocode.

    Idempotent: units are upserted, so enterprises keep their foreign keys. The subdivided pieces are
    rebuilt, and the enterprises are re-located in case a boundary moved. Returns the count per level.
    """
    frames = {level: _read_level(directory, level) for level in LEVEL_FILES}

    progress("divisions")
    division_ids = _upsert(
        Division, [Division(**_unit_fields(r)) for r in frames["division"].itertuples()], []
    )

    progress("districts")
    districts = [
        District(**_unit_fields(r), division_id=division_ids[r.division_code])
        for r in frames["district"].itertuples()
    ]
    district_ids = _upsert(District, districts, ["division"])

    progress("upazilas")
    upazilas = [
        Upazila(
            **_unit_fields(r),
            district_id=district_ids[r.district_geocode],
            unit_type=r.unit_type,
            geocode_legacy=r.geocode_legacy if isinstance(r.geocode_legacy, str) else "",
        )
        for r in frames["upazila"].itertuples()
    ]
    _upsert(Upazila, upazilas, ["district", "unit_type", "geocode_legacy"])

    progress("subdividing upazilas for point-in-polygon")
    UpazilaPiece.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO industries_upazilapiece (upazila_id, geom) "
            "SELECT id, ST_Subdivide(geom, %s) FROM industries_upazila",
            [PIECE_MAX_VERTICES],
        )
        cursor.execute("ANALYZE industries_upazilapiece")

    if Enterprise.objects.exists():
        progress("re-locating enterprises")
        if locate_enterprises():
            transaction.on_commit(data_version_bump)

    transaction.on_commit(get_resolver.cache_clear)
    transaction.on_commit(boundaries_version_bump)
    return {
        "division": Division.objects.count(),
        "district": District.objects.count(),
        "upazila": Upazila.objects.count(),
        "pieces": UpazilaPiece.objects.count(),
    }


def admin_geography_is_loaded() -> bool:
    return (
        Division.objects.count() == EXPECTED_COUNTS["division"]
        and District.objects.count() == EXPECTED_COUNTS["district"]
        and Upazila.objects.count() == EXPECTED_COUNTS["upazila"]
        and UpazilaPiece.objects.exists()
    )


def enterprise_classify(enterprise: Enterprise, *, policy: str | None = None) -> None:
    """Set size_class and size_policy from the enterprise's own figures; a stated class is never trusted."""
    policy = policy or settings.SIZE_CLASS_POLICY
    size = classify_size(
        enterprise.kind,
        enterprise.investment_bdt,
        enterprise.workers_total,
        policy=policy,
        family_based=enterprise.is_family_based,
        labour_intensive=enterprise.is_labour_intensive,
    )
    enterprise.size_class = size or ""
    enterprise.size_policy = policy if size else ""


@transaction.atomic
def enterprise_save(*, enterprise: Enterprise) -> Enterprise:
    """Validate, classify, save and locate one enterprise: every writer of one enterprise (the admin, the
    API through surveys.services.enterprise_save_from_row, e-Registration) saves through this, so the
    model's rules (Enterprise.clean and its constraints) are the one rule set of them all. Raises
    ValidationError, nothing saved."""
    enterprise.full_clean()
    enterprise_classify(enterprise)
    enterprise.save()
    locate_enterprises(ids=[enterprise.pk])
    enterprise.refresh_from_db(fields=["division", "district", "upazila", "district_mismatch"])
    transaction.on_commit(data_version_bump)
    return enterprise


def enterprises_delete(*, enterprises: QuerySet[Enterprise]) -> int:
    """Soft-delete: the rows leave every public reading (EnterpriseQuerySet.live) but stay, with their
    history and import provenance, for staff to restore. Returns how many were deleted (not already)."""
    now = timezone.now()
    deleted = enterprises.filter(deleted__isnull=True).update(deleted=now, updated=now)
    if deleted:
        transaction.on_commit(data_version_bump)
    return deleted


def enterprise_delete(*, enterprise: Enterprise) -> None:
    enterprises_delete(enterprises=Enterprise.objects.filter(pk=enterprise.pk))
    enterprise.refresh_from_db(fields=["deleted", "updated"])


def enterprises_restore(*, enterprises: QuerySet[Enterprise]) -> int:
    """Undo a soft delete. Returns how many were restored."""
    restored = enterprises.filter(deleted__isnull=False).update(deleted=None, updated=timezone.now())
    if restored:
        transaction.on_commit(data_version_bump)
    return restored
