# The API's text search (api.filters, q=) looks for a substring of the product too. Without an index on
# product the planner can only answer q= with a sequential scan of every enterprise; with this one, every
# arm of the search (ILIKE and word similarity on names, ILIKE on product) is a GIN bitmap scan.
#
# RunSQL without state on purpose: the index is the database's business, not the model's, so
# makemigrations (run by other work on Enterprise) neither sees nor drops it.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("industries", "0003_enterprise_view_personal"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS enterprise_product_trgm "
            "ON industries_enterprise USING gin (product gin_trgm_ops)",
            "DROP INDEX IF EXISTS enterprise_product_trgm",
        ),
    ]
