"""The flagged enterprises as an XLSX for field teams: one row per enterprise, under the importer's own
headers (surveys.mapping), so that the sheet, corrected in the field, goes back through the importer as it
is. The findings and their reasons are in columns the importer leaves aside; owners' fields only for those
who may see them. XlsxWriter in constant-memory mode: rows are written as they are read."""

import io

import xlsxwriter
from django.utils.translation import gettext as _

from industries.models import District, Upazila

from .models import Check
from .reasons import reason

# XLSX holds 1,048,576 rows a sheet, the header one of them.
MAX_ROWS = 1_048_575
# (header, attribute or callable): the importer's canonical header names.
COLUMNS = (
    ("enterprise_id", lambda e, names: e.pk),
    ("name_en", "name_en"),
    ("name_bn", "name_bn"),
    # As the source stated them (what the importer reads back), not where the point lies: a sheet that
    # wrote the located district would make every "outside the stated district" vanish on its return.
    ("district", lambda e, names: names["district"].get(e.stated_district_id, "")),
    ("upazila", lambda e, names: names["upazila"].get(e.stated_upazila_id, "")),
    ("latitude", lambda e, names: round(e.location.y, 7)),
    ("longitude", lambda e, names: round(e.location.x, 7)),
    ("address", "address"),
    ("kind", "kind"),
    ("isic_section", "isic_section"),
    ("isic_division", "isic_division"),
    ("product", "product"),
    ("workers_male", "workers_male"),
    ("workers_female", "workers_female"),
    ("workers_total", "workers_total"),
    ("investment_bdt", "investment_bdt"),
    ("year_established", "year_established"),
    ("size_class", "stated_size_class"),
    ("registration_no", "registration_no"),
)
PERSONAL = (("owner_name", "owner_name"), ("owner_phone", "owner_phone"), ("owner_nid", "owner_nid"))


def _value(enterprise, source, names):
    value = source(enterprise, names) if callable(source) else getattr(enterprise, source)
    return "" if value is None else value


def _area_names() -> dict[str, dict[int, str]]:
    """District and upazila names by id: 571 rows, read once, instead of two joins a row. The importer
    resolves an upazila's name within the row's district (Shibganj is in two districts)."""
    return {
        "district": dict(District.objects.values_list("id", "name_en")),
        "upazila": dict(Upazila.objects.values_list("id", "name_en")),
    }


def flagged_xlsx(enterprises, *, personal: bool, language: str) -> tuple[bytes, int]:
    """The workbook's bytes and how many enterprises it holds (at most MAX_ROWS)."""
    columns = [*COLUMNS, *(PERSONAL if personal else ())]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": False})
    sheet = book.add_worksheet(_("Findings")[:31])
    bold = book.add_format({"bold": True})
    headers = [name for name, _source in columns] + ["checks", "reasons", "field_note"]
    sheet.write_row(0, 0, headers, bold)
    sheet.freeze_panes(1, 1)
    written, names = 0, _area_names()
    for enterprise in enterprises.iterator(chunk_size=2000):
        if written == MAX_ROWS:
            break
        values = [_value(enterprise, source, names) for _name, source in columns]
        checks = ", ".join(flag.check_name for flag in enterprise.found)
        reasons = " | ".join(
            f"{Check(f.check_name).label}: {reason(f.check_name, f.details, f.other_id)[language]}"
            for f in enterprise.found
        )
        written += 1
        sheet.write_row(written, 0, [*values, checks, reasons, ""])
    book.close()
    return buffer.getvalue(), written
