"""Run every data-quality check now, with its progress, and print what each found."""

from django.core.management.base import BaseCommand, CommandError

from quality.services import RunInProgress, quality_run


class Command(BaseCommand):
    help = "Run the data-quality checks over every live enterprise (the worker does so after each change)."

    def handle(self, *args, **options):
        def progress(step, done, total):
            self.stdout.write(f"[{done}/{total}] {step}…")

        try:
            run = quality_run(progress=progress)
        except RunInProgress as error:
            raise CommandError(f"{error.message}\n{error.message_bangla}") from error
        found = run.flags.values_list("check_name").order_by()
        counts = {}
        for (check,) in found.iterator():
            counts[check] = counts.get(check, 0) + 1
        for check, seconds in run.timings.items():
            self.stdout.write(f"{check:20} {counts.get(check, 0):>9,} flags  {seconds:8.2f} s")
        self.stdout.write(f"{run.enterprises:,} enterprises, {run.flag_count:,} flags (run {run.pk}).")
