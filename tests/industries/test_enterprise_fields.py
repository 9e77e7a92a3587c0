"""The lists of enterprise fields that are derived from the model (the importer's writable fields and
staging columns, the generator's columns) and the one that is a layout (the admin's fieldsets) cover the
model: a new field is either in them or left out by a rule, never forgotten."""

import pandas as pd
import pytest
from django.contrib import admin

from industries.models import Enterprise
from industries.synthetic import COLUMNS
from surveys.mapping import resolve_columns
from surveys.services import WRITABLE_FIELDS
from surveys.staging import FIELD_TYPES
from surveys.validate import validate

pytestmark = pytest.mark.django_db

# Kept by the services, shown nowhere: the importer's match keys (from the names).
NOT_SHOWN = {"id", "name_en_key", "name_bn_key"}


def test_the_admin_shows_every_field_once():
    shown = [name for _, options in admin.site._registry[Enterprise].fieldsets for name in options["fields"]]
    assert len(shown) == len(set(shown))
    assert set(shown) == {field.name for field in Enterprise._meta.concrete_fields} - NOT_SHOWN


def test_the_admin_shows_the_derived_fields_read_only():
    readonly = admin.site._registry[Enterprise].readonly_fields
    assert set(Enterprise.DERIVED_FIELDS) <= set(readonly)


def test_every_writable_field_is_a_header_the_importer_knows():
    mapping = resolve_columns(list(WRITABLE_FIELDS))
    assert set(mapping.columns.values()) == set(WRITABLE_FIELDS) and not mapping.unmapped
    # "district" and "upazila" are the stated ones, as headers: the derived ones are never written.
    assert not set(WRITABLE_FIELDS) & ({*Enterprise.DERIVED_FIELDS, "is_synthetic"} - {"district", "upazila"})
    assert {"latitude", "longitude"} <= set(WRITABLE_FIELDS)


def test_the_validator_gives_every_staged_column():
    raw = pd.DataFrame([dict.fromkeys(WRITABLE_FIELDS, "")])
    rows = validate(raw, resolve_columns(list(raw.columns))).rows
    assert set(FIELD_TYPES) <= set(rows.columns)


def test_the_generator_writes_every_column_but_the_located_ones():
    columns = {field.column for field in Enterprise._meta.concrete_fields}
    assert set(COLUMNS) == columns - {"id", "division_id", "district_id", "upazila_id", "deleted"} - {
        "stated_size_class",  # a generated unit states no size class
        "merged_into_id",
    }
