"""Load rivers, lakes and other water from a GIS file (any format GDAL reads: GeoPackage, Shapefile, GeoJSON…)
for the "in water" check, replacing what an earlier load of the same source brought."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quality.services import UnreadableWater, water_bodies_load


class Command(BaseCommand):
    help = "Load water bodies (polygons) for the data-quality check 'in a river or other water body'."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--name-field", default="name", help="the attribute that names each water body")
        parser.add_argument(
            "--source", default="", help="what to call this source (default: the file's name)"
        )

    def handle(self, *args, path, name_field, source, **options):
        try:
            pieces = water_bodies_load(path=path, name_field=name_field, source=source or path.name)
        except UnreadableWater as error:
            raise CommandError(f"{error.message}\n{error.message_bangla}") from error
        self.stdout.write(f"Loaded {pieces:,} pieces of water from {path}.")
