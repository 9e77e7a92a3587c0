"""Place search for the map's search box: admin units whose name or alias begins with the text, with the
box to zoom to. Names are compared as the filters' resolver compares them (industries.resolver: case,
spacing, the two encodings of ড়/য়, a trailing "district" or "জেলা"), so a place found here is one the
division/district/upazila filters take, by the code given.

The 579 units, their name keys and boxes are read once per resolver: a new geography clears the
resolver's cache (industries.services) and so rebuilds this index on the next search.
"""

from dataclasses import dataclass

from django.contrib.gis.db.models.functions import Envelope
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from geodb.replicas import ReplicaReads
from industries.bangla import name_key, normalise_text, to_ascii_digits
from industries.models import District, Division, Upazila
from industries.resolver import LEVELS, get_resolver, strip_level_word

from . import docs
from .exceptions import bilingual
from .filters import check_query_length, refuse_nul
from .responses import json_response

PLACES_LIMIT = 10
# Box corners to 5 decimals (~1 m); the boxes are of the simplified boundaries, up to ~160 m off.
BOX_DECIMALS = 5


@dataclass(frozen=True)
class Place:
    level: str
    code: str  # what the API's filter of the level takes: BBS code, or geocode for an upazila
    name_en: str
    name_bn: str
    division_code: str
    district_code: str | None
    bbox: tuple[float, float, float, float]
    keys: frozenset[str]

    def as_json(self) -> dict:
        return {
            "level": self.level,
            "code": self.code,
            "name_en": self.name_en,
            "name_bn": self.name_bn,
            "division_code": self.division_code,
            "district_code": self.district_code,
            "bbox": list(self.bbox),
        }


def place_key(text: str) -> str:
    return name_key(strip_level_word(normalise_text(to_ascii_digits(text))))


def _places(model, level: str, *, code: str, division: str, district: str | None) -> list[Place]:
    fields = ["name_en", "name_bn", "aliases", code, division, *([district] if district else [])]
    rows = model.objects.annotate(box=Envelope("geom_simple")).values(*fields, "box")
    places = []
    for row in rows:
        west, south, east, north = row["box"].extent
        places.append(
            Place(
                level=level,
                code=row[code],
                name_en=row["name_en"],
                name_bn=row["name_bn"],
                division_code=row[division],
                district_code=row[district] if district else None,
                bbox=tuple(round(value, BOX_DECIMALS) for value in (west, south, east, north)),
                keys=frozenset(
                    filter(None, map(place_key, (row["name_en"], row["name_bn"], *row["aliases"])))
                ),
            )
        )
    return places


def _read_places() -> list[Place]:
    return [
        *_places(Division, "division", code="code", division="code", district=None),
        *_places(District, "district", code="code", division="division__code", district="code"),
        *_places(
            Upazila, "upazila", code="geocode", division="district__division__code", district="district__code"
        ),
    ]


_index: tuple[object, list[Place]] | None = None


def all_places() -> list[Place]:
    global _index
    resolver = get_resolver()
    if _index is None or _index[0] is not resolver:
        _index = (resolver, _read_places())
    return _index[1]


def search_places(text: str, *, limit: int = PLACES_LIMIT) -> list[Place]:
    """Units with a name or alias equal to ``text`` first, then those beginning with it; each group
    division, district, upazila, then by English name."""
    key = place_key(text)
    if not key:
        return []
    found = [place for place in all_places() if any(k.startswith(key) for k in place.keys)]
    found.sort(key=lambda p: (key not in p.keys, LEVELS.index(p.level), p.name_en, p.code))
    return found[:limit]


class PlaceList(ReplicaReads, APIView):
    """Admin units by name, for a search box: [{level, code, name_en, name_bn, division_code,
    district_code, bbox}], at most 10."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="places_list",
        parameters=docs.PLACE_PARAMETERS,
        responses={(200, docs.JSON): docs.PLACE_LIST},
    )
    def get(self, request):
        params = request.query_params
        refuse_nul(params)
        text = params.get("q", "")
        check_query_length(text)
        if not text.strip():
            raise ValidationError(
                {"q": bilingual("Give a place name: q=Bogura.", "একটি জায়গার নাম দিন: q=বগুড়া।")}
            )
        places = search_places(text)
        return json_response([place.as_json() for place in places])
