"""The properties of an enterprise feature are built from its named columns (api.geojson.feature_sql), not
from to_jsonb of the whole row minus the geometry, which converted every point to JSON only to drop it.
The text must stay what to_jsonb gave: same keys, same order, same values, for the public and the
personal columns."""

import pytest
from django.db import connection

from api.columns import PERSONAL_COLUMNS, PUBLIC_COLUMNS
from api.geojson import feature_sql
from api.selectors import enterprise_values
from industries.models import Enterprise
from tests.factories import located_enterprises

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "columns", [PUBLIC_COLUMNS, {**PUBLIC_COLUMNS, **PERSONAL_COLUMNS}], ids=["public", "with personal"]
)
def test_properties_are_the_same_text_as_to_jsonb_of_the_row(columns):
    located_enterprises(
        [(89.3697, 24.8465), (88.9318, 24.8090)], name_bn="করতোয়া তাঁত", owner_phone="+8801711234567"
    )
    values = enterprise_values(Enterprise.objects.order_by("id"), columns=columns)
    inner, params = values.query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (({feature_sql(values)})->'properties')::text, (to_jsonb(p) - 'id' - 'location')::text "
            f"FROM ({inner}) AS p ORDER BY p.id",
            params,
        )
        rows = cursor.fetchall()

    assert len(rows) == 2
    assert all(built == whole and "+8801711234567" in whole for built, whole in rows) == (
        "owner_phone" in columns
    ), rows
    assert all(built == whole for built, whole in rows), rows
