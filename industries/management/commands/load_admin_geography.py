from django.core.management.base import BaseCommand

from industries.services import FIXTURE_DIR, admin_geography_is_loaded, admin_geography_load


class Command(BaseCommand):
    help = (
        "Load (or refresh) divisions, districts and upazilas from fixtures/bd-admin, with their boundaries."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory", default=FIXTURE_DIR, help="Folder with the bd-admin GeoJSON files."
        )
        parser.add_argument(
            "--if-needed", action="store_true", help="Do nothing when all 8/64/507 units are already loaded."
        )

    def handle(self, *args, directory, if_needed, **options):
        if if_needed and admin_geography_is_loaded():
            self.stdout.write("Admin geography already loaded (8 divisions, 64 districts, 507 upazilas).")
            return
        counts = admin_geography_load(
            directory=directory, progress=lambda step: self.stdout.write(f"  … {step}", ending="\n")
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {counts['division']} divisions, {counts['district']} districts, "
                f"{counts['upazila']} upazilas ({counts['pieces']} point-in-polygon pieces)."
            )
        )
