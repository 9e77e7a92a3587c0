"""The table of the shared cache (settings CACHES, Django's DatabaseCache): rate limits, the tiles' data
version and rendered tiles. Made by migrate, so every database has it whichever cache a process uses.

Unlogged: a cache needs no crash safety, and every rate-limited request writes to it, so it skips the WAL
(after a crash PostgreSQL empties it, which only resets counters and cached tiles).
"""

from django.core.management import call_command
from django.db import migrations

TABLE = "geodb_cache"  # CACHES["default"]["LOCATION"] in geodb/settings/base.py


def create(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)
    schema_editor.execute(f"ALTER TABLE {TABLE} SET UNLOGGED")


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


class Migration(migrations.Migration):
    dependencies: list = []

    operations = [migrations.RunPython(create, drop, elidable=False)]
