from collections.abc import Iterable

import factory
from django.contrib.gis.geos import Point

from industries.models import Enterprise
from industries.size_class import Kind


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name_en = factory.Sequence(lambda n: f"Test Handloom {n}")
    name_bn = factory.Sequence(lambda n: f"পরীক্ষা তাঁত {n}")
    location = factory.LazyFunction(lambda: Point(89.3697, 24.8465, srid=4326))
    kind = Kind.MANUFACTURING
    investment_bdt = 500_000
    workers_male = 3
    workers_female = 2
    workers_total = 5


def api_key_for(user, **fields) -> str:
    """A new API key (industries.ApiKey) of ``user``; returns the key itself, as the admin shows it once."""
    from industries.models import ApiKey

    _, key = ApiKey.objects.create_key(user=user, name=fields.pop("name", f"key of {user}"), **fields)
    return key


def located_enterprises(points: Iterable[Point | tuple[float, float]], **fields) -> list[Enterprise]:
    """One enterprise at each point (a Point, or (lon, lat)), placed in its division, district and upazila
    as an import would (industries.locate), so that the filters, the map and the figures find it. The
    test's one way to make enterprises that are located: ``located_enterprises([BOGURA_TOWN] * 3, ...)``,
    or ``(one,) = located_enterprises([BOGURA_TOWN], ...)``."""
    from industries.locate import locate_enterprises

    made = [
        EnterpriseFactory(location=point if isinstance(point, Point) else Point(*point, srid=4326), **fields)
        for point in points
    ]
    locate_enterprises(ids=[e.pk for e in made])
    located = Enterprise._base_manager.in_bulk([e.pk for e in made])
    return [located[e.pk] for e in made]
