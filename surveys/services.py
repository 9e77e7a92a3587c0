"""Importing a survey file: file → reader → mapping → normalise/validate → stage (COPY) → set-based upsert.

The batch row is written outside the data transaction, so its status and progress can be watched while it
runs and survive a crash; every change to enterprises happens in one transaction, so a batch that dies
midway (even kill -9) leaves them exactly as before. Running the same file again for the same survey round
picks up the unfinished batch and completes it.
"""

import contextvars
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, connection, transaction
from django.db.models import IntegerField
from django.utils import timezone

from industries.history import history_context
from industries.models import YEAR_ESTABLISHED_RANGE, Enterprise
from industries.services import enterprise_save

from .exceptions import ImportCrashed, MissingColumns, RowRejected, UnreadableFile, UploadNotStored
from .mapping import load_mapping_file, resolve_columns
from .models import ImportBatch, SurveyRound
from .readers import read_table
from .readers.base import short_reason
from .reasons import REASONS, REJECT
from .report import issues_by_row, write_report
from .staging import RowIssues, stage_and_upsert
from .storage import random_name
from .timing import phase, record
from .validate import validate

Progress = Callable[[str, int, int], None]  # (step, done, total)
logger = logging.getLogger(__name__)


class _DryRunRollback(Exception):
    pass


def file_sha256(file: File) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _unfinished(survey_round: SurveyRound, sha256: str, dry_run: bool) -> ImportBatch | None:
    return ImportBatch.objects.filter(
        survey_round=survey_round,
        sha256=sha256,
        dry_run=dry_run,
        status__in=[ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING],
    ).first()


def import_batch_create(
    *, survey_round: SurveyRound, file: File, mapping: File | None = None, user=None, dry_run: bool = False
) -> ImportBatch:
    """A batch for this file, or the unfinished one of an earlier, interrupted run of the same file.

    Raises UploadNotStored, with nothing saved, when the file cannot be written (a full disk)."""
    return _create(survey_round, file, mapping, user, dry_run)[0]


def import_batch_submit(
    *, survey_round: SurveyRound, file: File, mapping: File | None = None, user=None, dry_run: bool = False
) -> tuple[ImportBatch, bool]:
    """An upload: its batch (as import_batch_create), and whether a worker must be queued for it. Not when
    the same file's batch is queued already or running in a live process; yes for a new batch, and for
    one whose process died (to complete it)."""
    batch, created = _create(survey_round, file, mapping, user, dry_run)
    if created or batch.status == ImportBatch.Status.QUEUED:
        return batch, created
    with _batch_lock(batch) as free:
        return batch, free


def _create(survey_round, file, mapping, user, dry_run) -> tuple[ImportBatch, bool]:
    sha256 = file_sha256(file)
    unfinished = _unfinished(survey_round, sha256, dry_run)
    if unfinished:
        return unfinished, False
    name = Path(file.name).name
    batch = ImportBatch(
        survey_round=survey_round, file_name=name, sha256=sha256, created_by=user, dry_run=dry_run
    )
    try:
        batch.file.save(name, file, save=False)
        if mapping:
            batch.mapping_file.save(Path(mapping.name).name, mapping, save=False)
    except OSError as error:
        _delete_files(batch)
        raise UploadNotStored(error.strerror or type(error).__name__) from error
    try:
        with transaction.atomic():
            batch.save()
    except IntegrityError:  # the same file, uploaded at the same moment: join that batch
        _delete_files(batch)
        unfinished = _unfinished(survey_round, sha256, dry_run)
        if unfinished is None:
            raise
        return unfinished, False
    return batch, True


def _delete_files(batch: ImportBatch) -> None:
    for field in (batch.file, batch.mapping_file):
        if field.name:
            field.storage.delete(field.name)


# PostgreSQL advisory lock keys: one for writing enterprises, one per batch for running it.
_LOCK_NAMESPACE = 0x5343_0000_0000  # "SC"
_ENTERPRISE_WRITES = _LOCK_NAMESPACE


def lock_enterprise_writes() -> None:
    """Wait until no other import is writing enterprises, and keep them to this transaction until it ends.
    Two imports at once would each match the file against the enterprises as they were before the other,
    and both create the same enterprise."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ENTERPRISE_WRITES])


@contextmanager
def _batch_lock(batch: ImportBatch) -> Iterator[bool]:
    """Whether this process holds the batch's lock (held while it runs; freed if its process dies)."""
    key = _LOCK_NAMESPACE + 1 + batch.pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def _set(batch: ImportBatch, **fields) -> None:
    """Write the batch row now (autocommit), visible to whoever watches, whatever happens next."""
    for name, value in fields.items():
        setattr(batch, name, value)
    ImportBatch.objects.filter(pk=batch.pk).update(**fields)


def import_batch_run(
    *, batch: ImportBatch, progress: Progress = lambda step, done, total: None
) -> ImportBatch:
    """Run a batch to the end. Raises nothing: a bad file, or anything else that stops it, ends the batch
    FAILED with the reason. A batch that another process is running now is left to it, as it is."""
    with _batch_lock(batch) as mine:
        if not mine:
            batch.refresh_from_db()
            return batch
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
        except Exception as error:
            if not isinstance(error, UnreadableFile):
                logger.exception("Import batch %s stopped", batch.pk)
                error = ImportCrashed(short_reason(error, Path(batch.file.path)))
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
    with phase("read and parse the file"):
        table = read_table(
            path,
            max_bytes=settings.IMPORT_MAX_FILE_BYTES,
            max_unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES,
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
    with phase("validate"):
        validated = validate(raw, mapping)
    rows = validated.rows.assign(line=lines[validated.rows.index])
    _set(batch, rows_done=len(raw), step="writing")
    progress("validating", len(raw), len(raw))

    progress("writing", 0, len(rows))
    written: list[Path] = []
    try:
        # The versions this writes (database triggers) name the batch and who started it.
        with transaction.atomic(), history_context(batch=batch.pk, user=batch.created_by_id):
            lock_enterprise_writes()
            # The report is written while the database writes the enterprises (a thread: Python's work on
            # one core, the database's on the other), from the issues known once the rows are checked
            # against the database; and before the commit: if it cannot be (a full disk), nothing is changed.
            with _ReportWriter(raw, lines, validated, written) as report:
                outcome = stage_and_upsert(
                    rows, fields_present=present, batch_id=batch.pk, checked=report.start
                )
                with phase("report (left to wait for)"):
                    fields = {
                        "created_count": outcome.created,
                        "updated_count": outcome.updated,
                        "unchanged_count": outcome.unchanged,
                        **report.fields(),
                    }
            if batch.dry_run:
                raise _DryRunRollback
            committing = time.perf_counter()
        record("commit", time.perf_counter() - committing)
    except _DryRunRollback:
        pass
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    progress("writing", len(rows), len(rows))
    _set(batch, **fields)


class _ReportWriter:
    """The batch's report, written in a thread of its own once the issues are all known (``start``); its
    files' paths are appended to ``written`` as they are made. Leaving the block waits for the thread."""

    def __init__(self, raw, lines, validated, written: list[Path]):
        self.raw, self.lines, self.validated, self.written = raw, lines, validated, written
        self._thread: threading.Thread | None = None
        self._fields: dict = {}
        self._error: BaseException | None = None

    def start(self, checked: RowIssues) -> None:
        """The database's issues (rows outside every upazila, duplicates in the file, district mismatches)
        added to the validation's, and the report begun."""
        validated = self.validated
        validated.add_issues(checked.outside_upazilas, "outside_upazilas")
        validated.add_issues(checked.duplicates, "duplicate_in_file")
        validated.add_issues(checked.mismatched, "district_mismatch")
        self._thread = threading.Thread(target=contextvars.copy_context().run, args=(self._write,))
        self._thread.start()

    def _write(self) -> None:
        try:
            with phase("report"):
                self._fields = _outcome_counts(self.validated.issues)
                if self.validated.issues.empty:
                    return
                storage = ImportBatch.report_csv.field.storage
                base = random_name("imports/reports", "report")
                csv_name, xlsx_name = f"{base}.csv", f"{base}.xlsx"
                write_report(
                    self.raw,
                    self.lines,
                    self.validated.issues,
                    Path(storage.path(csv_name)),
                    Path(storage.path(xlsx_name)),
                    self.written,
                )
                self._fields |= {"report_csv": csv_name, "report_xlsx": xlsx_name}
        except BaseException as error:  # raised again in the importing thread
            self._error = error

    def fields(self) -> dict:
        """The batch's counts of rejected and warned rows and its report's files, once written (the error,
        if it could not be)."""
        if self._thread is None:  # never started: no rows were checked against the database
            self._write()
        self._join()
        if self._error is not None:
            raise self._error
        return self._fields

    def _join(self) -> None:
        if self._thread is not None:
            self._thread.join()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._join()  # an import that failed removes the files once the thread is done with them


def _outcome_counts(issues) -> dict[str, int]:
    per_row = issues_by_row(issues)
    return {
        "rejected_count": int((per_row.outcome == "rejected").sum()),
        "warning_count": int((per_row.outcome == "warning").sum()),
    }


# The fields an API client may send, as the importer's canonical headers: the model's editable fields but
# the derived ones (Enterprise.DERIVED_FIELDS) and is_synthetic (the generator's and the admin's mark), the
# location as latitude/longitude and the stated areas by the names the importer resolves.
_HEADERS = {
    "location": ("latitude", "longitude"),
    "stated_district": ("district",),
    "stated_upazila": ("upazila",),
}
WRITABLE_FIELDS = tuple(
    header
    for field in Enterprise._meta.concrete_fields
    if field.editable
    and not field.primary_key
    and field.name not in {*Enterprise.DERIVED_FIELDS, "is_synthetic"}
    for header in _HEADERS.get(field.name, (field.name,))
)
# A survey file is imported with what its parser cannot read emptied, and reported. One record written
# through the API is refused instead, as the admin's form refuses it: a PATCH with a mistyped phone must not
# erase the stored one. These stay warnings: a flag that changes nothing sent, and a kind not sent at all
# (manufacturing, as in a file).
_STILL_WARNINGS = {"district_mismatch"}


@transaction.atomic
def enterprise_save_from_row(
    *, values: dict, enterprise: Enterprise | None = None
) -> tuple[Enterprise, list]:
    """The API's write: create (or, given ``enterprise``, replace the writable fields of) one enterprise from
    plain values, read by the importer's parser (a one-row survey file: Bangla digits, words for the kind
    and status, district names) and saved by industries.services.enterprise_save under the model's rules,
    the admin's and e-Registration's. The year of establishment may be a planned one, as for them.

    Returns the saved enterprise and its warnings; raises RowRejected with the reasons, nothing saved."""
    raw = pd.DataFrame(
        [{field: "" if values.get(field) is None else str(values[field]) for field in WRITABLE_FIELDS}]
    )
    validated = validate(raw, resolve_columns(list(raw.columns)), latest_year=YEAR_ESTABLISHED_RANGE[1])
    reasons = [REASONS[code] for code in dict.fromkeys(validated.issues.code)]
    kept = _STILL_WARNINGS | (set() if values.get("kind") else {"kind_unknown"})
    refused = [r for r in reasons if r.severity == REJECT or r.code not in kept]
    if refused:
        raise RowRejected(refused)
    row = validated.rows.iloc[0]
    enterprise = enterprise or Enterprise()
    for field in _MODEL_FIELDS:
        value = None if pd.isna(row[field]) else row[field]
        setattr(enterprise, field, int(value) if value is not None and field in _INTEGER_FIELDS else value)
    enterprise.location = Point(float(row.longitude), float(row.latitude), srid=4326)
    try:
        enterprise = enterprise_save(enterprise=enterprise)
    except ValidationError as error:
        codes = {e.code for errors in getattr(error, "error_dict", {}).values() for e in errors}
        if "outside_upazilas" in codes:  # the importer's reason, as a file's row would have it
            raise RowRejected([REASONS["outside_upazilas"]]) from None
        raise
    warnings = [r for r in reasons if r.code in kept]
    if enterprise.district_mismatch:
        warnings.append(REASONS["district_mismatch"])
    return enterprise, warnings


# Integers of the model (pandas keeps whole numbers with gaps as floats).
_INTEGER_FIELDS = frozenset(
    field.attname
    for field in Enterprise._meta.concrete_fields
    if field.is_relation or isinstance(field, IntegerField)
)
# The model fields those set: places are stated units, coordinates become the location.
_MODEL_FIELDS = tuple(
    {"district": "stated_district_id", "upazila": "stated_upazila_id"}.get(f, f)
    for f in WRITABLE_FIELDS
    if f not in ("latitude", "longitude")
)
