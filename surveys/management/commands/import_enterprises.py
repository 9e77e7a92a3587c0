import json
import shutil
import time
from contextlib import nullcontext
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from surveys.exceptions import UploadNotStored
from surveys.models import ImportBatch, SurveyRound
from surveys.services import import_batch_create, import_batch_run
from surveys.timing import profiled


class Command(BaseCommand):
    help = (
        "Import enterprises from a survey file (CSV, XLSX, GeoJSON, GeoPackage, zipped Shapefile, Kobo/ODK "
        "export). Re-running an interrupted import of the same file completes it; re-importing a finished "
        "file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--survey", required=True, help='Survey round, e.g. "Rajshahi pilot 2016-17" (created if new)'
        )
        parser.add_argument("--mapping", type=Path, help="YAML or JSON file mapping other headers to fields")
        parser.add_argument("--dry-run", action="store_true", help="Validate and report; write no enterprise")
        parser.add_argument(
            "--report", type=Path, help="Copy the report of rejected/warned rows here (.csv or .xlsx)"
        )
        parser.add_argument(
            "--profile",
            type=Path,
            help="Print where the time went, phase by phase, and write it here as JSON ({phase: seconds})",
        )

    def handle(self, *args, path, survey, mapping, dry_run, report, profile=None, **options):
        # call_command() passes keyword options as given, not through argparse's type=Path.
        path, mapping, report = (Path(p) if p else None for p in (path, mapping, report))
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if mapping and not mapping.is_file():
            raise CommandError(f"No such mapping file: {mapping}")
        survey_round, _ = SurveyRound.objects.get_or_create(name=survey)
        storing = time.perf_counter()
        with open(path, "rb") as handle, open(mapping, "rb") if mapping else nullcontext() as mapping_handle:
            try:
                batch = import_batch_create(
                    survey_round=survey_round,
                    file=File(handle, name=path.name),
                    mapping=File(mapping_handle, name=mapping.name) if mapping else None,
                    dry_run=dry_run,
                )
            except UploadNotStored as error:
                raise CommandError(f"{error.message}\n{error.message_bangla}") from error
        bars: dict[str, tqdm] = {}

        def progress(step, done, total):
            bar = bars.get(step)
            if bar is None:
                bar = bars[step] = tqdm(total=total, desc=f"{step:<10}", unit=" rows", file=self.stderr._out)
            bar.n = done
            bar.refresh()
            if done >= total:
                bar.close()

        started = time.perf_counter()
        with profiled() as phases:
            phases["store the upload (checksum, copy)"] = started - storing
            batch = import_batch_run(batch=batch, progress=progress)
        phases["total (the batch's run)"] = time.perf_counter() - started
        for bar in bars.values():
            bar.close()
        if batch.status in (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING):
            raise CommandError(f"Batch #{batch.pk} of this file is being imported by another process now.")
        self._summary(batch)
        if profile:
            self._profile(phases, Path(profile))
        if batch.status == ImportBatch.Status.FAILED:
            raise CommandError(batch.error)
        if report and batch.report_csv:
            source = batch.report_xlsx if report.suffix.lower() == ".xlsx" else batch.report_csv
            shutil.copyfile(source.path, report)
            self.stdout.write(f"Report written to {report}")

    def _profile(self, phases: dict[str, float], path: Path) -> None:
        path.write_text(json.dumps(phases, indent=1, ensure_ascii=False))
        width = max(len(name) for name in phases)
        self.stdout.write("\n  time by phase (indented: part of the phase above)")
        for name, seconds in phases.items():
            self.stdout.write(f"  {name:<{width}}  {seconds:8.2f} s")

    def _summary(self, batch: ImportBatch) -> None:
        rows = [
            (
                "batch",
                f"#{batch.pk} {batch.file_name} ({batch.file_format or '?'})"
                + (" — DRY RUN, nothing written" if batch.dry_run else ""),
            ),
            ("status", batch.get_status_display()),
            ("read", batch.rows_read),
            ("created", batch.created_count),
            ("updated", batch.updated_count),
            ("unchanged", batch.unchanged_count),
            ("rejected", batch.rejected_count),
            ("with warnings", batch.warning_count),
        ]
        if batch.unmapped_headers:
            rows.append(("unmapped headers", ", ".join(batch.unmapped_headers)))
        if batch.report_csv:
            rows.append(("report", batch.report_csv.path))
        width = max(len(label) for label, _ in rows)
        self.stdout.write("")
        for label, value in rows:
            self.stdout.write(f"  {label:<{width}}  {value}")
