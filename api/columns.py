"""The enterprise column contract: what a public record of an enterprise shows, declared once.

Every output derives from ``ENTERPRISE_COLUMNS``: the list and OGC items (api.geojson, rendered in
PostGIS), the detail and the writes' answer (api.serializers, its fields derived from here), every export
format, the statistics' group keys, the OGC queryables and the tiles' point properties (the columns marked
``tile``). Personal columns (Enterprise.PERSONAL_FIELDS) are added only for callers holding view_personal,
in every output; never in tiles, never queryable.
"""

from dataclasses import dataclass

from industries.models import Enterprise


@dataclass(frozen=True)
class Column:
    name: str  # the output name
    path: str = ""  # the ORM path from Enterprise; the name when empty
    # A property of the tiles' points too: tiles stay small, so only what the map draws and filters on.
    tile: bool = False

    def __post_init__(self):
        object.__setattr__(self, "path", self.path or self.name)


# Explicit: a new model field is not public until someone adds it here.
ENTERPRISE_COLUMNS = (
    Column("id", tile=True),
    Column("name_en", tile=True),
    Column("name_bn", tile=True),
    Column("division_code", "division__code"),
    Column("division_name_en", "division__name_en"),
    Column("division_name_bn", "division__name_bn"),
    Column("district_code", "district__code"),
    Column("district_name_en", "district__name_en"),
    Column("district_name_bn", "district__name_bn"),
    Column("upazila_code", "upazila__geocode"),
    Column("upazila_name_en", "upazila__name_en"),
    Column("upazila_name_bn", "upazila__name_bn"),
    Column("district_mismatch"),
    Column("address"),
    Column("isic_section"),
    Column("isic_division"),
    Column("product"),
    Column("product_bn"),
    Column("kind", tile=True),
    Column("size_class", tile=True),
    Column("size_policy"),
    Column("investment_bdt"),
    Column("workers_male"),
    Column("workers_female"),
    Column("workers_total"),
    Column("year_established"),
    Column("registration_no"),
    Column("status"),
    Column("is_synthetic"),
    Column("created"),
    Column("updated"),
)
# After the public ones in every output that has them (an export's last columns).
PERSONAL = tuple(Column(name) for name in Enterprise.PERSONAL_FIELDS)
# Only the detail adds "page" (the public page's path, the map popup's link): a lookup in storefronts per
# enterprise, a link rather than data about it, which lists, exports and OGC items leave out.
DETAIL_ONLY = ("page",)

# output name -> ORM path
PUBLIC_COLUMNS = {column.name: column.path for column in ENTERPRISE_COLUMNS}
PERSONAL_COLUMNS = {column.name: column.path for column in PERSONAL}
TILE_COLUMNS = {column.name: column.path for column in ENTERPRISE_COLUMNS if column.tile}
