"""Survey files and reports move from MEDIA_ROOT to the private storage under random names; at most one
unfinished batch per file and round (older duplicates end as failed, saying why)."""

import shutil
from pathlib import Path

from django.conf import settings
from django.db import migrations, models

import surveys.models
import surveys.storage

FILE_FIELDS = ("file", "mapping_file", "report_csv", "report_xlsx")


def move_files_out_of_media(apps, schema_editor):
    # Copy, point the row at the copy (autocommit: the migration is not atomic), then delete the old
    # file: a crash in between leaves at worst a second copy, never a row without its file.
    ImportBatch = apps.get_model("surveys", "ImportBatch")
    media, private = Path(settings.MEDIA_ROOT), surveys.storage.private_root()
    for batch in ImportBatch.objects.all().iterator():
        for field in FILE_FIELDS:
            name = getattr(batch, field).name
            old = media / name if name else None
            if not old or not old.is_file() or (private / name).is_file():
                continue
            folder = str(Path(name).parent) if field == "file" else f"imports/{field.removeprefix('report_')}"
            new_name = surveys.storage.random_name(folder, name)
            (private / new_name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(old, private / new_name)
            ImportBatch.objects.filter(pk=batch.pk).update(**{field: new_name})
            old.unlink()


def settle_duplicate_unfinished_batches(apps, schema_editor):
    ImportBatch = apps.get_model("surveys", "ImportBatch")
    unfinished = ImportBatch.objects.filter(status__in=["queued", "running"]).order_by("-created", "-pk")
    kept = set()
    for batch in unfinished:
        key = (batch.survey_round_id, batch.sha256, batch.dry_run)
        if key in kept:
            ImportBatch.objects.filter(pk=batch.pk).update(
                status="failed",
                error="Superseded by a later batch of the same file.\nএকই ফাইলের পরের একটি ব্যাচ এর জায়গা নিয়েছে।",
            )
        kept.add(key)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("surveys", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(move_files_out_of_media, migrations.RunPython.noop),
        migrations.RunPython(settle_duplicate_unfinished_batches, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="importbatch",
            name="file",
            field=models.FileField(
                max_length=500,
                storage=surveys.storage.private_storage,
                upload_to=surveys.models.batch_upload_path,
                verbose_name="file",
            ),
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="mapping_file",
            field=models.FileField(
                blank=True,
                storage=surveys.storage.private_storage,
                upload_to=surveys.models.mapping_upload_path,
                verbose_name="mapping file",
            ),
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="report_csv",
            field=models.FileField(
                blank=True,
                storage=surveys.storage.private_storage,
                upload_to="imports/reports/",
                verbose_name="report (CSV)",
            ),
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="report_xlsx",
            field=models.FileField(
                blank=True,
                storage=surveys.storage.private_storage,
                upload_to="imports/reports/",
                verbose_name="report (XLSX)",
            ),
        ),
        migrations.AddConstraint(
            model_name="importbatch",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["queued", "running"])),
                fields=("survey_round", "sha256", "dry_run"),
                name="one_unfinished_batch_per_file",
            ),
        ),
    ]
