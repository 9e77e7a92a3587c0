from django.conf import settings
from django.core.management.base import BaseCommand

from industries.models import Enterprise
from industries.synthetic import synthetic_enterprises_create


class Command(BaseCommand):
    help = (
        "Generate N synthetic enterprises (marked is_synthetic) in the real upazilas; seeded, reproducible."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=2016)
        parser.add_argument("--policy", default=settings.SIZE_CLASS_POLICY, help="NIP2016 or NIP2022")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if synthetic rows already exist."
        )

    def handle(self, *args, count, seed, policy, if_empty, **options):
        existing = Enterprise.objects.synthetic().count()
        if if_empty and existing:
            self.stdout.write(f"{existing} synthetic enterprises already present; not generating more.")
            return

        def progress(done, total):
            self.stdout.write(f"\r  generated {done:,}/{total:,} ({100 * done // total}%)", ending="")
            self.stdout.flush()

        synthetic_enterprises_create(count=count, seed=seed, policy=policy, progress=progress)
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"Created {count:,} synthetic enterprises (seed {seed}, {policy}).")
        )
