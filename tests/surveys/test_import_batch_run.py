"""The import pipeline end to end, on real PostGIS: rules, matching, idempotence, dry runs, bad files."""

import csv
from pathlib import Path

import pandas as pd
import pytest
from django.core.files import File
from django.core.management import call_command

from industries.models import Enterprise
from surveys.models import EnterpriseChange, ImportBatch, SurveyRound
from surveys.services import import_batch_create, import_batch_run

pytestmark = pytest.mark.django_db

# A pilot-shaped sheet with Bangla headers, as district offices fill them in.
HEADERS = [
    "প্রতিষ্ঠানের নাম",
    "Owner Name",
    "মোবাইল নম্বর",
    "জেলা",
    "উপজেলা",
    "অক্ষাংশ",
    "দ্রাঘিমাংশ",
    "বিনিয়োগ",
    "মোট শ্রমিক",
    "Type",
    "শ্রেণি",
    "Registration No",
    "প্রতিষ্ঠার বছর",
]
GOOD = [
    "করতোয়া তাঁত শিল্প",
    "Rahima Begum",
    "০১৭১১-২৩৪৫৬৭",
    "Bogra",
    "Bogura Sadar",
    "24.8465",
    "89.3697",
    "১২,৫০,০০০",
    "১২",
    "manufacturing",
    "micro",
    "BSCIC-BOG-0001",
    "২০১৬",
]


def write_csv(path: Path, rows: list[list[str]], headers=HEADERS) -> Path:
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def row(**changes) -> list[str]:
    values = dict(zip(HEADERS, GOOD, strict=True))
    names = {
        "name": "প্রতিষ্ঠানের নাম",
        "phone": "মোবাইল নম্বর",
        "district": "জেলা",
        "upazila": "উপজেলা",
        "lat": "অক্ষাংশ",
        "lon": "দ্রাঘিমাংশ",
        "investment": "বিনিয়োগ",
        "workers": "মোট শ্রমিক",
        "size": "শ্রেণি",
        "reg": "Registration No",
        "kind": "Type",
        "year": "প্রতিষ্ঠার বছর",
    }
    for key, value in changes.items():
        values[names[key]] = value
    return list(values.values())


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def survey():
    return SurveyRound.objects.create(name="Rajshahi pilot 2016–17", area_description="Rajshahi division")


def run(survey, path: Path, *, mapping: Path | None = None, dry_run=False) -> ImportBatch:
    with open(path, "rb") as handle:
        mapping_file = File(open(mapping, "rb"), name=mapping.name) if mapping else None  # noqa: SIM115
        batch = import_batch_create(
            survey_round=survey, file=File(handle, name=path.name), mapping=mapping_file, dry_run=dry_run
        )
    return import_batch_run(batch=batch)


def report_of(batch: ImportBatch) -> pd.DataFrame:
    return pd.read_csv(batch.report_csv.path, dtype=str, keep_default_na=False)


def reasons(batch: ImportBatch) -> dict[int, str]:
    report = report_of(batch)
    return dict(zip(report.line.astype(int), report.reason_codes, strict=True))


def test_a_pilot_sheet_is_normalised_located_and_classified(survey, tmp_path):
    batch = run(survey, write_csv(tmp_path / "pilot.csv", [row()]))

    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.error
    assert (batch.rows_read, batch.created_count, batch.rejected_count) == (1, 1, 0)
    enterprise = Enterprise.objects.get()
    assert enterprise.name_bn == "করতোয়া তাঁত শিল্প" and enterprise.name_en == ""
    assert enterprise.owner_phone == "+8801711234567"
    assert enterprise.investment_bdt == 1_250_000 and enterprise.workers_total == 12
    assert (enterprise.district.name_en, enterprise.division.name_en) == ("Bogura", "Rajshahi")
    assert (
        enterprise.stated_district == enterprise.district
        and enterprise.stated_upazila.name_en == "Bogura Sadar"
    )
    assert (enterprise.size_class, enterprise.size_policy) == ("micro", "NIP2022")
    assert enterprise.year_established == 2016 and enterprise.registration_no == "BSCIC-BOG-0001"
    assert not enterprise.is_synthetic
    assert EnterpriseChange.objects.get().action == "created" and EnterpriseChange.objects.get().line == 2
    assert batch.mapping["unmapped"] == [] and batch.file_format == "csv"


def test_every_rejection_and_warning_is_reported_with_line_and_reasons(survey, tmp_path):
    rows = [
        row(reg="R1"),  # line 2: fine
        row(reg="R2", name="Naogaon Pottery", district="Bogura", lat="24.8090", lon="88.9318"),  # 3: mismatch
        row(reg="R3", name="Swapped Works", lat="89.3697", lon="24.8465"),  # 4: swapped, fixed
        row(reg="R4", name="Kathmandu Traders", lat="27.71", lon="85.32"),  # 5: outside Bangladesh
        row(reg="R5", name="Zero Works", lat="0", lon="0"),  # 6: zero
        row(reg="R6", name="Sea Works", lat="21.0", lon="90.8"),  # 7: at sea, in no upazila
        row(reg="R7", name="", lat="24.85", lon="89.37"),  # 8: no name
        row(reg="R8", name="Phone Works", phone="02-9555555", lat="24.8466", lon="89.3698"),  # 9: bad phone
        row(reg="R9", name="DMS Works", lat="24°50'47\"N", lon="89°22'11\"E"),  # 10: DMS, fine
        row(
            reg="R10", name="Big Works", investment="1.5 crore", workers="20", size="micro"
        ),  # 11: class differs
        row(
            reg="R11", name="Nowhere Works", district="Atlantis", lat="24.84", lon="89.36"
        ),  # 12: unknown district
        row(reg="R12", name="Minus Works", workers="-3", lat="24.83", lon="89.35"),  # 13: negative
        row(reg="R13", name="No Place", lat="", lon=""),  # 14: no coordinates
    ]
    batch = run(survey, write_csv(tmp_path / "mixed.csv", rows))

    found = reasons(batch)
    assert found == {
        3: "district_mismatch",
        4: "coordinates_swapped",
        5: "outside_bangladesh",
        6: "coordinates_zero",
        7: "outside_upazilas",
        8: "name_missing",
        9: "phone_invalid",
        11: "size_class_differs",
        12: "district_unknown",
        13: "negative_value",
        14: "coordinates_missing",
    }
    assert (batch.rows_read, batch.rejected_count, batch.warning_count) == (13, 6, 5)
    assert batch.created_count == 7 and Enterprise.objects.count() == 7
    report = report_of(batch).set_index("line")
    assert report.loc["5", "outcome"] == "rejected" and report.loc["9", "outcome"] == "warning"
    assert (
        "outside Bangladesh" in report.loc["5", "reasons_en"]
        and "বাংলাদেশের বাইরে" in report.loc["5", "reasons_bn"]
    )
    assert report.loc["5", "প্রতিষ্ঠানের নাম"] == "Kathmandu Traders"  # the original row, ready to fix
    assert Path(batch.report_xlsx.path).exists()

    naogaon = Enterprise.objects.get(registration_no="R2")
    assert naogaon.district.name_en == "Naogaon" and naogaon.district_mismatch
    swapped = Enterprise.objects.get(registration_no="R3")
    assert (round(swapped.location.y, 4), round(swapped.location.x, 4)) == (24.8465, 89.3697)
    assert Enterprise.objects.get(registration_no="R8").owner_phone == ""
    assert Enterprise.objects.get(registration_no="R9").district.name_en == "Bogura"
    assert Enterprise.objects.get(registration_no="R10").size_class == "small"  # 1.5 crore: computed


def test_reimporting_the_same_file_changes_nothing(survey, tmp_path):
    path = write_csv(
        tmp_path / "pilot.csv", [row(reg=f"R{i}", name=f"Works {i}", lat=f"24.8{i}") for i in range(5)]
    )
    first = run(survey, path)
    before = list(Enterprise.objects.order_by("id").values_list("id", "updated"))

    second = run(survey, path)

    assert (first.created_count, second.created_count, second.updated_count, second.unchanged_count) == (
        5,
        0,
        0,
        5,
    )
    assert list(Enterprise.objects.order_by("id").values_list("id", "updated")) == before
    assert second.pk != first.pk and second.status == ImportBatch.Status.SUCCEEDED


def test_the_same_enterprise_is_updated_not_duplicated(survey, tmp_path):
    run(
        survey,
        write_csv(
            tmp_path / "a.csv",
            [
                row(reg="BSCIC-1", name="Karatoya Handloom", workers="12"),
                row(reg="", name="Padma Pottery", lat="24.8000", lon="89.3000"),
            ],
        ),
    )
    changed = [
        row(reg="BSCIC-1", name="Karatoya Handloom Ltd", workers="40"),  # same registration number
        row(reg="", name="PADMA  pottery", lat="24.8002", lon="89.3001"),  # same name, ~25 m away
        row(
            reg="", name="Padma Pottery", lat="24.8010", lon="89.3000"
        ),  # same name, ~110 m away: another one
    ]
    batch = run(survey, write_csv(tmp_path / "b.csv", changed))

    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == (1, 2, 0)
    assert Enterprise.objects.count() == 3
    karatoya = Enterprise.objects.get(registration_no="BSCIC-1")
    assert (karatoya.workers_total, karatoya.size_class) == (40, "small")
    assert sorted(karatoya.import_changes.values_list("action", flat=True)) == ["created", "updated"]


def test_duplicates_inside_one_file_are_reported(survey, tmp_path):
    rows = [
        row(reg="X1"),
        row(reg="X1", name="Other name"),
        row(reg="", name="Same Place", lat="24.81"),
        row(reg="", name="same place", lat="24.8101"),
    ]
    batch = run(survey, write_csv(tmp_path / "dups.csv", rows))
    assert reasons(batch) == {3: "duplicate_in_file", 5: "duplicate_in_file"}
    assert Enterprise.objects.count() == 2


def test_a_dry_run_validates_and_reports_but_writes_nothing(survey, tmp_path):
    batch = run(
        survey, write_csv(tmp_path / "pilot.csv", [row(), row(reg="R2", name="", lat="24.85")]), dry_run=True
    )
    assert (batch.created_count, batch.rejected_count) == (1, 1)
    assert Enterprise.objects.count() == 0 and EnterpriseChange.objects.count() == 0
    assert batch.report_csv


def test_unknown_headers_are_reported_and_a_mapping_file_maps_them(survey, tmp_path):
    headers = ["Unit", "GPS N", "GPS E", "Jela", "Staff"]
    path = write_csv(tmp_path / "odd.csv", [["Barind Bakery", "24.85", "89.37", "বগুড়া", "7"]], headers=headers)
    unmapped = run(survey, path)
    assert unmapped.status == ImportBatch.Status.FAILED and "name" in unmapped.error
    assert set(unmapped.unmapped_headers) == {"Unit", "GPS N", "GPS E", "Jela", "Staff"}

    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "Unit: name\nGPS N: latitude\nGPS E: longitude\nJela: district\nStaff: workers_total\n"
    )
    batch = run(survey, path, mapping=mapping)
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.error
    assert batch.mapping["columns"]["Jela"] == "district" and batch.unmapped_headers == []
    assert Enterprise.objects.get().workers_total == 7


NOT_TEXT = "it contains binary data (NUL bytes), not text; is it really a CSV file?"  # the reader's reason


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file has no data rows.\nফাইলটিতে কোনো তথ্যের সারি নেই।"),
        (
            "প্রতিষ্ঠানের নাম,অক্ষাংশ,দ্রাঘিমাংশ\n".encode(),
            "The file has no data rows (headers only).\nফাইলটিতে কোনো তথ্যের সারি নেই (headers only)।",
        ),
        (
            bytes(range(256)) * 20,
            f"The file cannot be read: {NOT_TEXT}\nফাইলটি পড়া যাচ্ছে না: {NOT_TEXT}",
        ),
    ],
)
def test_a_file_that_cannot_be_read_fails_the_batch_and_writes_nothing(survey, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    batch = run(survey, path)
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.error == message
    assert Enterprise.objects.count() == 0


def test_the_command_prints_a_summary_and_writes_the_report(survey, tmp_path, capsys):
    path = write_csv(tmp_path / "pilot.csv", [row(), row(reg="R2", name="", lat="24.85")])
    call_command("import_enterprises", str(path), survey=survey.name, report=str(tmp_path / "out.xlsx"))
    out = capsys.readouterr().out
    assert "created" in out and "rejected" in out
    assert pd.read_excel(tmp_path / "out.xlsx").line.tolist() == [3]


def test_a_sheet_with_a_bangla_and_an_english_name_column_keeps_both(survey, tmp_path):
    headers = ["প্রতিষ্ঠানের নাম", "Name of Enterprise", "Latitude", "Longitude"]
    path = write_csv(
        tmp_path / "both.csv", [["করতোয়া তাঁত", "Karatoya Handloom", "24.8465", "89.3697"]], headers
    )
    batch = run(survey, path)
    assert batch.status == ImportBatch.Status.SUCCEEDED and batch.unmapped_headers == []
    enterprise = Enterprise.objects.get()
    assert (enterprise.name_bn, enterprise.name_en) == ("করতোয়া তাঁত", "Karatoya Handloom")


def products() -> dict[str, tuple[str, str]]:
    return {e.name_en: (e.product, e.product_bn) for e in Enterprise.objects.all()}


def test_an_english_and_a_bangla_product_column_fill_both_products(survey, tmp_path):
    headers = ["Name of Enterprise", "Main Product", "পণ্য (বাংলা)", "Latitude", "Longitude"]
    rows = [
        ["Karatoya Handloom", "Handloom saree", "তাঁতের শাড়ি", "24.8465", "89.3697"],
        ["Padma Pottery", "Clay pots", "", "24.8000", "89.3000"],
    ]
    batch = run(survey, write_csv(tmp_path / "products.csv", rows, headers))
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.error
    assert batch.unmapped_headers == [] and batch.created_count == 2
    assert batch.mapping["columns"]["পণ্য (বাংলা)"] == "product_bn"
    assert products() == {
        "Karatoya Handloom": ("Handloom saree", "তাঁতের শাড়ি"),
        "Padma Pottery": ("Clay pots", ""),
    }
    assert run(survey, write_csv(tmp_path / "products.csv", rows, headers)).unchanged_count == 2

    # A later sheet with the Bangla product only leaves the stored English one alone.
    headers = ["Name of Enterprise", "product_bn", "Latitude", "Longitude"]
    rows = [["Padma Pottery", "মাটির হাঁড়ি", "24.8000", "89.3000"]]
    batch = run(survey, write_csv(tmp_path / "bangla.csv", rows, headers))
    assert (batch.updated_count, batch.created_count) == (1, 0)
    assert products()["Padma Pottery"] == ("Clay pots", "মাটির হাঁড়ি")


def test_one_product_column_is_split_by_script_row_by_row(survey, tmp_path):
    headers = ["Name of Enterprise", "পণ্য", "Latitude", "Longitude"]
    rows = [
        ["Karatoya Handloom", "তাঁতের শাড়ি", "24.8465", "89.3697"],
        ["Padma Pottery", "Clay pots", "24.8000", "89.3000"],
        ["Barind Bakery", "", "24.8100", "89.3100"],
    ]
    path = write_csv(tmp_path / "one.csv", rows, headers)
    batch = run(survey, path)
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.error
    assert batch.created_count == 3 and batch.mapping["columns"]["পণ্য"] == "product"
    assert products() == {
        "Karatoya Handloom": ("", "তাঁতের শাড়ি"),
        "Padma Pottery": ("Clay pots", ""),
        "Barind Bakery": ("", ""),
    }
    assert run(survey, path).unchanged_count == 3  # re-importing still changes nothing
