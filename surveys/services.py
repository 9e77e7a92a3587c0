"""Importing a survey file: file → reader → mapping → normalise/validate → stage (COPY) → set-based upsert.

The batch row is written outside the data transaction, so its status and progress can be watched while it
runs and survive a crash; every change to enterprises happens in one transaction, so a batch that dies
midway (even kill -9) leaves them exactly as before. Running the same file again for the same survey round
picks up the unfinished batch and completes it.
"""

import hashlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from industries.models import Enterprise
from industries.services import enterprise_save

from .exceptions import MissingColumns, RowRejected, UnreadableFile
from .mapping import load_mapping_file, resolve_columns
from .models import ImportBatch, SurveyRound
from .readers import read_table
from .reasons import REASONS, REJECT
from .report import issues_by_row, write_report
from .staging import stage_and_upsert
from .validate import validate

Progress = Callable[[str, int, int], None]  # (step, done, total)


class _DryRunRollback(Exception):
    pass


def file_sha256(file: File) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def import_batch_create(
    *, survey_round: SurveyRound, file: File, mapping: File | None = None, user=None, dry_run: bool = False
) -> ImportBatch:
    """A batch for this file, or the unfinished one of an earlier, interrupted run of the same file."""
    sha256 = file_sha256(file)
    unfinished = ImportBatch.objects.filter(
        survey_round=survey_round,
        sha256=sha256,
        dry_run=dry_run,
        status__in=[ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING],
    ).first()
    if unfinished:
        return unfinished
    name = Path(file.name).name
    batch = ImportBatch(
        survey_round=survey_round, file_name=name, sha256=sha256, created_by=user, dry_run=dry_run
    )
    batch.file.save(name, file, save=False)
    if mapping:
        batch.mapping_file.save(Path(mapping.name).name, mapping, save=False)
    batch.save()
    return batch


def _set(batch: ImportBatch, **fields) -> None:
    """Write the batch row now (autocommit), visible to whoever watches, whatever happens next."""
    for name, value in fields.items():
        setattr(batch, name, value)
    ImportBatch.objects.filter(pk=batch.pk).update(**fields)


def import_batch_run(
    *, batch: ImportBatch, progress: Progress = lambda step, done, total: None
) -> ImportBatch:
    """Run a batch to the end. Raises nothing for a bad file: the batch ends FAILED with the reason."""
    _set(
        batch,
        status=ImportBatch.Status.RUNNING,
        started=timezone.now(),
        finished=None,
        error="",
        step="reading",
    )
    try:
        _run(batch, progress)
    except UnreadableFile as error:
        _set(
            batch,
            status=ImportBatch.Status.FAILED,
            finished=timezone.now(),
            step="",
            error=f"{error.message}\n{error.message_bangla}",
        )
        return batch
    _set(batch, status=ImportBatch.Status.SUCCEEDED, finished=timezone.now(), step="")
    return batch


def _run(batch: ImportBatch, progress: Progress) -> None:
    path = Path(batch.file.path)
    progress("reading", 0, 1)
    table = read_table(
        path, max_bytes=settings.IMPORT_MAX_FILE_BYTES, max_unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES
    )
    raw = table.frame.reset_index(drop=True)
    lines = np.asarray(table.line_numbers)
    overrides = load_mapping_file(Path(batch.mapping_file.path)) if batch.mapping_file else {}
    mapping = resolve_columns(list(raw.columns), overrides)
    present = set(mapping.columns.values())
    missing = []
    if not present & {"name", "name_alt", "name_en", "name_bn"}:
        missing.append("the enterprise name")
    if not ({"latitude", "longitude"} <= present or "coordinates" in present):
        missing.append("latitude and longitude")
    _set(
        batch,
        file_format=table.format,
        mapping=mapping.as_json(),
        unmapped_headers=mapping.unmapped,
        rows_read=len(raw),
        step="validating",
    )
    if missing:
        raise MissingColumns(" and ".join(missing), headers=", ".join(map(str, raw.columns)))

    progress("validating", 0, len(raw))
    validated = validate(raw, mapping)
    rows = validated.rows.assign(line=lines[validated.rows.index])
    _set(batch, rows_done=len(raw), step="writing")
    progress("validating", len(raw), len(raw))

    progress("writing", 0, len(rows))
    try:
        with transaction.atomic():
            outcome = stage_and_upsert(rows, fields_present=present, batch_id=batch.pk)
            if batch.dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    progress("writing", len(rows), len(rows))
    validated.add_issues(outcome.outside_upazilas, "outside_upazilas")
    validated.add_issues(outcome.duplicates, "duplicate_in_file")
    validated.add_issues(outcome.mismatched, "district_mismatch")

    summary = _outcome_counts(validated.issues)
    fields = {
        "created_count": outcome.created,
        "updated_count": outcome.updated,
        "unchanged_count": outcome.unchanged,
        **summary,
    }
    if not validated.issues.empty:
        base = Path(settings.MEDIA_ROOT) / "imports" / "reports" / f"batch-{batch.pk}-report"
        csv_path, xlsx_path = write_report(raw, lines, validated.issues, base)
        fields |= {
            "report_csv": str(csv_path.relative_to(settings.MEDIA_ROOT)),
            "report_xlsx": str(xlsx_path.relative_to(settings.MEDIA_ROOT)),
        }
    _set(batch, **fields)


def _outcome_counts(issues) -> dict[str, int]:
    per_row = issues_by_row(issues)
    return {
        "rejected_count": int((per_row.outcome == "rejected").sum()),
        "warning_count": int((per_row.outcome == "warning").sum()),
    }


# The fields an API client may send, as the importer's canonical headers. One enterprise written through
# the API is validated as a one-row survey file, so there is one set of rules for both.
WRITABLE_FIELDS = (
    "name_en",
    "name_bn",
    "owner_name",
    "owner_phone",
    "owner_nid",
    "address",
    "latitude",
    "longitude",
    "district",
    "upazila",
    "isic_section",
    "isic_division",
    "product",
    "kind",
    "is_family_based",
    "is_labour_intensive",
    "investment_bdt",
    "workers_male",
    "workers_female",
    "workers_total",
    "year_established",
    "registration_no",
    "status",
)


@transaction.atomic
def enterprise_write(*, values: dict, enterprise: Enterprise | None = None) -> tuple[Enterprise, list]:
    """Create (or, given ``enterprise``, replace the writable fields of) one enterprise from plain values,
    through the importer's validation. Returns the saved enterprise and the warnings; raises RowRejected
    with the reasons when the importer would reject the row."""
    raw = pd.DataFrame(
        [{field: "" if values.get(field) is None else str(values[field]) for field in WRITABLE_FIELDS}]
    )
    validated = validate(raw, resolve_columns(list(raw.columns)))
    reasons = [REASONS[code] for code in dict.fromkeys(validated.issues.code)]
    if validated.rows.empty:
        raise RowRejected([r for r in reasons if r.severity == REJECT])
    row = validated.rows.iloc[0]
    enterprise = enterprise or Enterprise()
    for field in _MODEL_FIELDS:
        value = None if pd.isna(row[field]) else row[field]
        # pandas keeps whole numbers with gaps as floats.
        setattr(enterprise, field, int(value) if value is not None and field in _INTEGER_FIELDS else value)
    enterprise.location = Point(float(row.longitude), float(row.latitude), srid=4326)
    enterprise = enterprise_save(enterprise=enterprise)
    if enterprise.upazila_id is None:  # raising out of the atomic block undoes the save
        raise RowRejected([REASONS["outside_upazilas"]])
    if enterprise.district_mismatch:
        reasons.append(REASONS["district_mismatch"])
    return enterprise, [r for r in reasons if r.severity != REJECT]


_INTEGER_FIELDS = frozenset(
    {"stated_district_id", "stated_upazila_id", "investment_bdt", "year_established"}
    | {"workers_male", "workers_female", "workers_total"}
)
# The model fields those set: places are stated units, coordinates become the location.
_MODEL_FIELDS = tuple(
    {"district": "stated_district_id", "upazila": "stated_upazila_id"}.get(f, f)
    for f in WRITABLE_FIELDS
    if f not in ("latitude", "longitude")
)
