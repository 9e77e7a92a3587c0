"""What must never be wrong is guarded by the database itself, not only by forms."""

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from industries.services import enterprise_save
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

KATHMANDU = Point(85.32, 27.71, srid=4326)  # Kolkata would pass: it is inside the bounding box


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"workers_male": -1}, "workers_male"),
        ({"workers_total": -5, "workers_male": None, "workers_female": None}, "workers_total"),
        ({"investment_bdt": -100}, "enterprise_investment_non_negative"),
        ({"location": KATHMANDU}, "enterprise_location_in_bangladesh"),
        ({"location": Point(0, 0, srid=4326)}, "enterprise_location_in_bangladesh"),
        (
            {"workers_male": 10, "workers_female": 10, "workers_total": 5},
            "enterprise_workers_total_covers_sexes",
        ),
        ({"name_en": "", "name_bn": ""}, "enterprise_has_name"),
        ({"registration_no": ""}, "enterprise_registration_no_not_blank"),
        ({"year_established": 1200}, "enterprise_year_plausible"),
    ],
)
def test_the_database_rejects_bad_rows(fields, constraint):
    with pytest.raises(IntegrityError, match=constraint):
        EnterpriseFactory(**fields)  # a plain INSERT, as COPY or raw SQL would do, bypassing validation


def test_registration_number_is_unique_when_present():
    EnterpriseFactory(registration_no="BSCIC-RAJ-0001")
    EnterpriseFactory(registration_no=None)
    EnterpriseFactory(registration_no=None)  # many enterprises are unregistered
    with pytest.raises(IntegrityError, match="registration_no"):
        EnterpriseFactory(registration_no="BSCIC-RAJ-0001")


def test_the_service_validates_before_writing_and_names_the_problem():
    with pytest.raises(ValidationError) as raised:
        enterprise_save(enterprise=EnterpriseFactory.build(location=KATHMANDU, investment_bdt=-1))
    messages = str(raised.value)
    assert "outside Bangladesh" in messages and "negative" in messages


def test_the_service_normalises_phone_and_nid_and_computes_the_size_class():
    enterprise = enterprise_save(
        enterprise=EnterpriseFactory.build(
            owner_phone="০১৭১১-২৩৪৫৬৭",
            owner_nid="১২৩ ৪৫৬ ৭৮৯০",
            investment_bdt=8_000_000,
            workers_total=None,
            workers_male=20,
            workers_female=5,
        )
    )
    assert enterprise.owner_phone == "+8801711234567"
    assert enterprise.owner_nid == "1234567890"
    assert enterprise.workers_total == 25
    assert (enterprise.size_class, enterprise.size_policy) == ("small", "NIP2022")


def test_the_service_rejects_a_bad_phone_with_a_clear_message():
    with pytest.raises(ValidationError, match="mobile"):
        enterprise_save(enterprise=EnterpriseFactory.build(owner_phone="02-9555555"))


def test_a_raw_insert_without_the_bangla_product_stores_it_empty():
    """Bulk paths and benchmarks INSERT with their own column lists: the column's database default keeps
    them working."""
    # Spelled out on purpose, not derived from the model: it is such a list, written before product_bn.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO industries_enterprise (
                name_en, name_bn, name_en_key, name_bn_key, owner_name, owner_phone, owner_nid, address,
                location, district_mismatch, isic_section, isic_division, product, kind, is_family_based,
                is_labour_intensive, size_class, size_policy, status, is_synthetic, created, updated)
            VALUES ('Raw Works', '', '', '', '', '', '', '', ST_SetSRID(ST_MakePoint(89.37, 24.85), 4326),
                    false, '', '', 'Bread', 'manufacturing', false, false, '', '', 'active', false, now(),
                    now())
            RETURNING product_bn
            """
        )
        assert cursor.fetchone() == ("",)


@pytest.mark.django_db
def test_no_index_of_the_enterprise_table_is_covered_by_another():
    """Every index costs every insert of an import: a B-tree whose columns (and operator classes) begin
    another's serves nothing the other does not (the foreign keys' own indexes were such copies of
    Meta.indexes)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text,
                   array_agg(a.attname || ' ' || o.opcname ORDER BY k.ord), i.indisunique
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid
            JOIN pg_am am ON am.oid = c.relam AND am.amname = 'btree'
            CROSS JOIN LATERAL unnest(i.indkey, i.indclass) WITH ORDINALITY AS k(attnum, opclass, ord)
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            JOIN pg_opclass o ON o.oid = k.opclass
            WHERE i.indrelid = 'industries_enterprise'::regclass AND i.indexprs IS NULL
            GROUP BY i.indexrelid, i.indisunique
            """
        )
        indexes = cursor.fetchall()
    covered = [
        (name, other)
        for name, columns, unique in indexes
        for other, more, _ in indexes
        if name != other and not unique and more[: len(columns)] == columns
    ]
    assert not covered
