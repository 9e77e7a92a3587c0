"""A messy survey file of our own making goes through the real importer, and the checks find exactly the
faults put into it: nothing more, nothing less."""

import csv
import io
from datetime import date

import pytest
from django.core.files.base import ContentFile

from quality.models import Check, QualityFlag
from quality.services import quality_run
from surveys.models import SurveyRound
from surveys.services import import_batch_create, import_batch_run

pytestmark = pytest.mark.django_db

HEADERS = [
    "name_en", "name_bn", "district", "upazila", "latitude", "longitude", "kind", "isic_section",
    "workers_total", "investment_bdt", "year_established", "size_class", "owner_nid",
]  # fmt: skip
LAKH = 100_000


def row(
    name_en, lat, lon, *, name_bn="", district="Bogura", upazila="", workers=20, investment=40 * LAKH, **more
):
    return {
        "name_en": name_en, "name_bn": name_bn, "district": district, "upazila": upazila,
        "latitude": lat, "longitude": lon, "kind": "manufacturing", "isic_section": "C",
        "workers_total": workers, "investment_bdt": investment, "year_established": more.get("year", 2010),
        "size_class": more.get("size_class", ""), "owner_nid": more.get("nid", ""),
    }  # fmt: skip


def messy_survey() -> tuple[str, dict[str, set[str]]]:
    """The file, and the checks each enterprise should be flagged with (by English name)."""
    rows, expected = [], {}
    # 40 ordinary looms of Bogura, a kilometre or more apart, micro by both figures: the group the
    # figures are judged against, and flagged for nothing.
    for n in range(40):
        lat, lon = 24.80 + 0.01 * (n // 8), 89.30 + 0.012 * (n % 8)
        rows.append(row(f"Ordinary Weaver {n:02}", f"{lat:.4f}", f"{lon:.4f}", workers=16 + n % 10,
                        investment=(35 + n % 10) * LAKH, year=1990 + n % 30))  # fmt: skip
    # A GPS that never moved: three businesses at exactly one point.
    for name in ("Alpha Traders", "Mitu Tailors", "Rupali Bakery"):
        rows.append(row(name, "24.8650", "89.3550"))
        expected[name] = {Check.SHARED_POINT}
    # Two rows whose points were swapped with each other: each lies in the other's district.
    rows.append(row("Naogaon Rice Mill", "24.8465", "89.3697", district="Naogaon"))
    rows.append(row("Bogura Dairy", "24.8090", "88.9318", district="Bogura"))
    expected["Naogaon Rice Mill"] = expected["Bogura Dairy"] = {Check.OUTSIDE_DISTRICT}
    # Latitude and longitude typed the wrong way round: the importer swaps them back; nothing to flag.
    rows.append(row("Swapped Coordinates Looms", "89.3797", "24.8565"))
    # In Bogura, as stated, but in Bogura Sadar, not the Shibganj the row names.
    rows.append(row("Shibganj Textiles", "24.8400", "89.3800", upazila="Shibganj"))
    expected["Shibganj Textiles"] = {Check.OUTSIDE_UPAZILA}
    # Near-duplicates under other spellings, 40 m apart (English) and 60 m apart (Bangla only).
    rows.append(row("Karatoya Handloom", "24.8750", "89.4100"))
    rows.append(row("Karotoya Handlooms", "24.8750", "89.4104"))
    expected["Karatoya Handloom"] = expected["Karotoya Handlooms"] = {Check.SIMILAR_NAME}
    rows.append(row("", "24.8850", "89.4300", name_bn="করতোয়া শাড়ি ঘর"))
    rows.append(row("", "24.8850", "89.4306", name_bn="করতোয়া শাড়ী ঘর"))
    # The same owner's NID under two different businesses, far apart.
    rows.append(row("Mim Fashion", "24.9000", "89.3000", nid="1987654321"))
    rows.append(row("Sumi Garments", "24.7500", "89.4500", nid="1987654321"))
    expected["Mim Fashion"] = expected["Sumi Garments"] = {Check.SAME_OWNER}
    # Implausible figures, still micro: one worker with a micro unit's machinery; a micro unit's workers
    # with barely the assets of one.
    rows.append(row("One Hand Looms", "24.7700", "89.3300", workers=1))
    expected["One Hand Looms"] = {Check.WORKERS_OUTLIER}
    rows.append(row("Thin Capital Looms", "24.7700", "89.3700", investment=int(10.5 * LAKH)))
    expected["Thin Capital Looms"] = {Check.INVESTMENT_OUTLIER}
    # The form says small; its figures make it micro.
    rows.append(row("Stated Small Looms", "24.7700", "89.4100", size_class="small"))
    expected["Stated Small Looms"] = {Check.SIZE_CLASS_DIFFERS}
    # Established in 1850, by the form.
    rows.append(row("Old Year Looms", "24.7700", "89.4500", year=1850))
    expected["Old Year Looms"] = {Check.YEAR_IMPLAUSIBLE}
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=HEADERS)
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue(), expected


def test_a_messy_survey_file_shows_up_as_exactly_the_flags_put_into_it(settings):
    settings.QUALITY_OUTLIER_MIN_GROUP = 30
    content, expected = messy_survey()
    survey = SurveyRound.objects.create(name="Bogura messy survey", period_end=date.today())
    batch = import_batch_create(survey_round=survey, file=ContentFile(content.encode(), name="messy.csv"))
    batch = import_batch_run(batch=batch)
    assert (batch.status, batch.rejected_count, batch.created_count) == ("succeeded", 0, 57)
    quality_run()
    found: dict[str, set[str]] = {}
    for flag in QualityFlag.objects.select_related("enterprise"):
        found.setdefault(flag.enterprise.name_en or flag.enterprise.name_bn, set()).add(flag.check_name)
    bangla_pair = {"করতোয়া শাড়ি ঘর", "করতোয়া শাড়ী ঘর"}
    assert {name: checks for name, checks in found.items() if name not in bangla_pair} == expected
    assert {name: found.get(name) for name in bangla_pair} == {
        name: {Check.SIMILAR_NAME} for name in bangla_pair
    }


def test_the_list_goes_out_as_xlsx_and_comes_back_through_the_importer(client, django_user_model, settings):
    import openpyxl
    from django.contrib.auth.models import Permission

    settings.QUALITY_OUTLIER_MIN_GROUP = 30
    content, _expected = messy_survey()
    survey = SurveyRound.objects.create(name="Bogura messy survey", period_end=date.today())
    import_batch_run(
        batch=import_batch_create(survey_round=survey, file=ContentFile(content.encode(), name="m.csv"))
    )
    quality_run()
    user = django_user_model.objects.create_user("field", password="pw-long-enough-1", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_qualityflag"))
    client.force_login(user)
    response = client.get("/quality/export.xlsx", {"district": "Bogura", "lang": "en"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:4] == ("enterprise_id", "name_en", "name_bn", "district") and "owner_nid" not in header
    by_name = {row[1] or row[2]: dict(zip(header, row, strict=True)) for row in body}
    # Bogura's findings (the Naogaon-stated mill lies in Bogura and is listed with its stated district).
    assert by_name["Naogaon Rice Mill"]["district"] == "Naogaon"
    assert "Year established 1850" in by_name["Old Year Looms"]["reasons"]
    assert by_name["Alpha Traders"]["checks"] == "shared_point"

    # The field team corrects a year, and a point 60 km off (the mill is in Naogaon town), and the sheet
    # goes back as it is: the enterprise id in it brings each row back to its enterprise, however far the
    # point moved.
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    column = {name: header.index(name) + 1 for name in ("year_established", "latitude", "longitude")}
    for line in range(2, workbook.active.max_row + 1):
        if workbook.active.cell(line, 2).value == "Old Year Looms":
            workbook.active.cell(line, column["year_established"]).value = 1950
        if workbook.active.cell(line, 2).value == "Naogaon Rice Mill":
            workbook.active.cell(line, column["latitude"]).value = 24.8090
            workbook.active.cell(line, column["longitude"]).value = 88.9318
    corrected = io.BytesIO()
    workbook.save(corrected)
    batch = import_batch_create(survey_round=survey, file=ContentFile(corrected.getvalue(), name="back.xlsx"))
    batch = import_batch_run(batch=batch)
    counts = (batch.status, batch.created_count, batch.updated_count, batch.rejected_count)
    assert counts == ("succeeded", 0, 2, 0)
    quality_run()
    flagged = set(QualityFlag.objects.values_list("enterprise__name_en", flat=True))
    assert not {"Old Year Looms", "Naogaon Rice Mill"} & flagged and "Alpha Traders" in flagged
