"""OpenAPI descriptions of the query parameters, with examples in English and Bangla, and the schema class
that documents what every operation really answers: its errors, its media types, anonymous reads.

The schema is fuzzed (tests/api/test_fuzz_schema.py, bench/fuzz.py): a value it allows must be answered,
one it forbids refused, and every answer must be one it describes. So parameters carry the constraints
the API enforces (enums, ranges, lengths); what OpenAPI 3.0 cannot say (a place that does not exist, a
cursor not taken from a link, near= without radius=, a bbox whose minimum is not below its maximum) is
the documented 400.
"""

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework import permissions, serializers

from industries.size_class import Kind, SizeClass

from .filters import integer_range

INT = OpenApiTypes.INT
GEOJSON = "application/geo+json"
JSON = "application/json"

FEATURE_COLLECTION = {
    "type": "object",
    "description": "A GeoJSON FeatureCollection (RFC 7946), EPSG:4326.",
    "required": ["type", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": {"type": "object"}},
        "numberMatched": {
            "type": "integer",
            "nullable": True,
            "description": (
                "Enterprises matching the filters: counted exactly up to 10,000 "
                "(GEODB_API_EXACT_COUNT_LIMIT), above that PostgreSQL's planner estimate, so that counting "
                "never costs more than the page. "
                "null with count=false. ফিল্টারে মেলা প্রতিষ্ঠান: ১০,০০০ পর্যন্ত সঠিক, তার বেশি হলে আনুমানিক।"
            ),
        },
        "numberMatchedExact": {
            "type": "boolean",
            "description": "false when numberMatched is the estimate (or not counted). আনুমানিক হলে false।",
        },
        "numberReturned": {"type": "integer", "description": "Features on this page. এই পাতার সংখ্যা।"},
    },
}
ADMIN_UNIT_LIST = {
    "type": "array",
    "description": "With geometry=false: the units without their shapes, for dropdown lists.",
    "items": {
        "type": "object",
        "required": ["id", "geocode", "code", "name_en", "name_bn"],
        "properties": {
            "id": {"type": "integer"},
            "geocode": {"type": "string"},
            "code": {"type": "string"},
            "name_en": {"type": "string"},
            "name_bn": {"type": "string"},
            "area_km2": {"type": "number", "nullable": True},
        },
    },
}
PLACE_LIST = {
    "type": "array",
    "description": "At most 10 admin units, exact names first, then divisions, districts, upazilas.",
    "maxItems": 10,
    "items": {
        "type": "object",
        "required": ["level", "code", "name_en", "name_bn", "division_code", "district_code", "bbox"],
        "properties": {
            "level": {"type": "string", "enum": ["division", "district", "upazila"]},
            "code": {
                "type": "string",
                "description": "What the level's filter takes: the BBS code, for an upazila its geocode.",
            },
            "name_en": {"type": "string"},
            "name_bn": {"type": "string"},
            "division_code": {"type": "string", "description": "The division's code (its own for one)."},
            "district_code": {
                "type": "string",
                "nullable": True,
                "description": "The district's code (its own for one; null for a division).",
            },
            "bbox": {
                "type": "array",
                "description": "[west, south, east, north] in degrees (EPSG:4326), simplified boundary.",
                "items": {"type": "number"},
                "minItems": 4,
                "maxItems": 4,
            },
        },
    },
}
STATS_TABLE = {
    "type": "object",
    "required": ["by", "total", "groups"],
    "properties": {
        "by": {"type": "array", "items": {"type": "string"}},
        "total": {
            "type": "object",
            "description": "The figures over the whole selection, and ``completeness``: the share (0–1) of "
            "its enterprises with each public field filled (name_bn, name_en, address, isic_section, "
            "product, workers_total, investment_bdt, year_established); null when the selection is "
            "suppressed, a field's share null when nothing matched. "
            "নির্বাচনের মোট হিসাব, এবং প্রতিটি তথ্যের ঘর কত অংশে পূরণ করা।",
        },
        "groups": {"type": "array", "items": {"type": "object"}},
        "suppressed_below": {"type": "integer", "nullable": True},
        "data_as_of": {
            "type": "string",
            "format": "date",
            "nullable": True,
            "description": "The day of the newest enterprise or survey import in the database.",
        },
        "sources": {
            "type": "array",
            "items": {"type": "string"},
            "description": "The survey rounds imported, newest first (at most 5).",
        },
    },
}
ERROR = {
    "type": "object",
    "description": "The parameter or field at fault (or detail) with what is wrong, in English and Bangla.",
    "additionalProperties": {},
}
ERRORS = {
    "400": "A parameter or field is invalid or names nothing: an unknown place, a cursor not taken from a "
    "next/prev link, near without radius, a bbox whose minimum is not below its maximum, a polygon that "
    "is not valid, a value with a NUL character… The body names it and says what is wrong, in English "
    "and Bangla.",
    "401": "The credentials sent are wrong: an unknown, expired or revoked API key.",
    "403": "The credentials sent do not allow this.",
    "404": "No such record or format.",
    "429": "Over the rate limit; Retry-After says in how many seconds to try again.",
}
ANONYMOUS_READS = (
    permissions.AllowAny,
    permissions.DjangoModelPermissionsOrAnonReadOnly,
    permissions.IsAuthenticatedOrReadOnly,
)


def _blank_allowed(field) -> bool:
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    try:
        return bool(model and model._meta.get_field(field.source).blank)
    except FieldDoesNotExist:
        return False


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema of an operation, plus what it leaves out: the errors each operation can
    answer, anonymous reads as the empty security requirement, empty query values (which mean "not
    given"), and JSON bodies declared as files by views that send several formats."""

    def get_auth(self):
        auths = super().get_auth()
        anonymous = all(isinstance(p, ANONYMOUS_READS) for p in self.view.get_permissions())
        if anonymous and self.method in permissions.SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths

    def _get_parameters(self):
        parameters = super()._get_parameters()
        for parameter in parameters:
            if parameter["in"] == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        return parameters

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # A read-only field loses its model field's blank=True on the way (DRF keeps only the choices),
        # yet a blank size class ("not classified yet") is answered as "".
        enum = schema.get("enum")
        if isinstance(field, serializers.ChoiceField) and enum and "" not in enum and _blank_allowed(field):
            schema["enum"] = [*enum, ""]
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for response in responses.values():
            for media_type, content in response.get("content", {}).items():
                if media_type.endswith("json") and content.get("schema", {}).get("format") == "binary":
                    content["schema"] = FEATURE_COLLECTION
        for code in self._error_codes():
            responses.setdefault(code, {"description": ERRORS[code], "content": {JSON: {"schema": ERROR}}})
        if "404" in responses and "{" in self.path:
            # A path value of the wrong shape (/enterprises/abc/) is Django's own 404 page, not the API's.
            responses["404"]["content"]["text/html"] = {"schema": {"type": "string"}}
        return responses

    def _error_codes(self) -> list[str]:
        codes = []
        writes = self.method not in permissions.SAFE_METHODS
        if self.method in ("POST", "PUT", "PATCH") or any(p["in"] == "query" for p in self._get_parameters()):
            codes.append("400")
        if self.view.get_authenticators():
            codes.append("401")
        anonymous = all(isinstance(p, ANONYMOUS_READS) for p in self.view.get_permissions())
        if writes or not anonymous:
            codes.append("403")
        if "{" in self.path:
            codes.append("404")
        if self.view.get_throttles():
            codes.append("429")
        return codes


class KeyAsBasicPasswordScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.KeyAsBasicPassword"
    name = "keyAsBasicPassword"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "basic",
            "description": "Any user name, the API key as the password (for GIS clients such as QGIS).",
        }


def query_parameter(name, description, examples, type_=OpenApiTypes.STR, many=False, enum=None, pattern=None):
    """``type_`` may be a JSON Schema dict, for constraints (a range, a length) the API enforces."""
    return OpenApiParameter(
        name,
        type_,
        OpenApiParameter.QUERY,
        description=description,
        many=many,
        explode=False if many else None,
        enum=enum,
        pattern=pattern,
        examples=[OpenApiExample(label, value=value) for label, value in examples],
    )


def whole_number(bits: int = 32) -> dict:
    """An integer parameter in the range of its column's type (api.filters.WholeNumberFilter)."""
    lowest, highest = integer_range(bits)
    return {"type": "integer", "minimum": lowest, "maximum": highest}


def page_size_parameter(rows: str, example: int):
    """``page_size`` of a keyset-paged list of ``rows`` (Features, Applications…)."""
    return query_parameter(
        "page_size",
        f"{rows} per page, 1–{settings.API_MAX_PAGE_SIZE:,} (default {settings.API_PAGE_SIZE}). পাতাপ্রতি সংখ্যা।",
        [(str(example), str(example))],
        {"type": "integer", "minimum": 1, "maximum": settings.API_MAX_PAGE_SIZE},
    )


def cursor_parameter(example: str):
    return query_parameter(
        "cursor",
        "Opaque; follow the next/prev links. পরের/আগের পাতার লিংক অনুসরণ করুন।",
        [("from a link", example)],
    )


# Spellings of true and false that the API takes (api.filters.parse_boolean); anything else is a 400.
BOOLEAN_WORDS = ["true", "false", "1", "0", "yes", "no"]


FILTER_PARAMETERS = [
    query_parameter(
        "division",
        "Division: BBS code, English name or alias, or Bangla name; several comma-separated. "
        "বিভাগ: বিবিএস কোড, ইংরেজি বা বাংলা নাম; একাধিক হলে কমা দিয়ে।",
        [("Rajshahi", "Rajshahi"), ("রাজশাহী", "রাজশাহী"), ("BBS code", "50")],
        many=True,
    ),
    query_parameter(
        "district",
        "District: BBS code (also in Bangla digits), name or alias (Bogra/Bogura). An unknown name is a 400 "
        "naming the valid choices. জেলা: কোড বা নাম (বগুড়া)।",
        [("Bogura", "Bogura"), ("old spelling", "Bogra"), ("বগুড়া", "বগুড়া"), ("two districts", "10,64")],
        many=True,
    ),
    query_parameter(
        "upazila",
        "Upazila or city corporation: geocode or name. উপজেলা: জিওকোড বা নাম।",
        [("Sherpur (Bogura)", "501085"), ("শাজাহানপুর", "শাজাহানপুর")],
        many=True,
    ),
    query_parameter(
        "size",
        "Size class by the National Industrial Policy: cottage, micro, small, medium, large. "
        "শিল্পের শ্রেণি: কুটির, মাইক্রো, ক্ষুদ্র, মাঝারি, বৃহৎ।",
        [("small and medium", "small,medium")],
        many=True,
        enum=list(SizeClass.values),
    ),
    query_parameter(
        "sector",
        "ISIC Rev.4 / BSIC section letter (C = manufacturing) or 2-digit division (13 = textiles). "
        "খাত: আইএসআইসি সেকশন বা বিভাগ কোড।",
        [("manufacturing", "C"), ("textiles", "13")],
        many=True,
        pattern="^(?:[A-Ua-u]|[0-9]{2})$",
    ),
    query_parameter(
        "kind",
        "manufacturing or service. উৎপাদন বা সেবা।",
        [("service", "service")],
        many=True,
        enum=list(Kind.values),
    ),
    query_parameter(
        "year_min", "Established in or after. প্রতিষ্ঠার বছর থেকে।", [("since 2010", "2010")], whole_number()
    ),
    query_parameter(
        "year_max", "Established in or before. প্রতিষ্ঠার বছর পর্যন্ত।", [("until 2015", "2015")], whole_number()
    ),
    query_parameter(
        "workers_min", "At least this many workers. ন্যূনতম শ্রমিক।", [("10+", "10")], whole_number()
    ),
    query_parameter(
        "workers_max", "At most this many workers. সর্বোচ্চ শ্রমিক।", [("≤ 50", "50")], whole_number()
    ),
    query_parameter(
        "registered",
        "true: has a BSCIC registration number; false: has none. বিসিক নিবন্ধিত কি না।",
        [("registered", "true")],
        enum=BOOLEAN_WORDS,
    ),
    query_parameter(
        "q",
        "Text search over English and Bangla names and products; Bangla digits and near spellings match. "
        f"At most {settings.API_MAX_QUERY_LENGTH} characters. "
        f"নাম বা পণ্যে খুঁজুন (সর্বোচ্চ {settings.API_MAX_QUERY_LENGTH} অক্ষর)।",
        [("handloom", "handloom"), ("তাঁত", "তাঁত")],
        {"type": "string", "maxLength": settings.API_MAX_QUERY_LENGTH},
    ),
    query_parameter(
        "bbox",
        "minlon,minlat,maxlon,maxlat (EPSG:4326); values past ±180/±90 are clamped. মানচিত্রের সীমা।",
        [("Bogura town", "89.30,24.80,89.42,24.90")],
    ),
    query_parameter(
        "near",
        "lon,lat: with radius (required with it), the enterprises within radius metres, nearest first. "
        "কাছাকাছি (দ্রাঘিমা,অক্ষাংশ), radius-সহ।",
        [("Bogura town", "89.3697,24.8465")],
    ),
    query_parameter(
        "radius",
        f"Metres, with near; at most {settings.API_MAX_RADIUS_METRES:,.0f}. "
        f"মিটার, near-এর সাথে; সর্বোচ্চ {settings.API_MAX_RADIUS_METRES:,.0f}।",
        [("2 km", "2000")],
        {"type": "number", "minimum": 0, "maximum": settings.API_MAX_RADIUS_METRES},
    ),
    query_parameter(
        "within",
        "A GeoJSON or WKT polygon (EPSG:4326). বহুভুজের ভেতরে।",
        [("WKT", "POLYGON((89.3 24.8,89.4 24.8,89.4 24.9,89.3 24.9,89.3 24.8))")],
    ),
    query_parameter(
        "batch", "Import batch id (provenance). ইমপোর্ট ব্যাচ।", [("batch 3", "3")], whole_number(64)
    ),
    query_parameter(
        "survey",
        "Survey round name or id (provenance). জরিপের নাম।",
        [("Rajshahi pilot", "Rajshahi pilot 2016-17")],
        many=True,
    ),
]
PAGE_PARAMETERS = [
    page_size_parameter("Features", 1000),
    cursor_parameter("WyJuZXh0IiwgWzEwMF1d"),
    query_parameter(
        "count",
        "false: do not count the matches (numberMatched is null), for a page that only lists; counting a "
        "large selection costs more than its page. মোট সংখ্যা গোনা হবে না।",
        [("no count", "false")],
        enum=BOOLEAN_WORDS,
    ),
]
ADMIN_UNIT_PARAMETERS = [
    query_parameter(
        "geometry",
        "false: a plain JSON list without shapes (for dropdowns). আকৃতি ছাড়া তালিকা।",
        [("list", "false")],
        enum=BOOLEAN_WORDS,
    ),
    query_parameter(
        "simplify",
        "Simplify shapes to about this many metres. সরলীকরণ (মিটার)।",
        [("500 m", "500")],
        {"type": "number", "minimum": 0},
    ),
    # The parent filters, each documented only on the levels that take it (api.admin_units.LEVELS).
    query_parameter(
        "division",
        "Only the units in these divisions: codes or names, several comma-separated. এই বিভাগগুলোর।",
        [("Rajshahi", "Rajshahi"), ("two divisions", "Rajshahi,Dhaka")],
        many=True,
    ),
    query_parameter(
        "district",
        "Only the upazilas in these districts: codes or names, several comma-separated. এই জেলাগুলোর।",
        [("Bogura", "বগুড়া"), ("two districts", "10,64")],
        many=True,
    ),
]
ADMIN_UNIT_OWN_PARAMETERS = ("geometry", "simplify")
PLACE_PARAMETERS = [
    OpenApiParameter(
        "q",
        {"type": "string", "minLength": 1, "maxLength": settings.API_MAX_QUERY_LENGTH, "pattern": r"\S"},
        OpenApiParameter.QUERY,
        required=True,
        description="The beginning or whole of a division, district or upazila name, English, Bangla or an "
        "old spelling (Bogra); a trailing district/জেলা is ignored. বিভাগ, জেলা বা উপজেলার নাম বা তার শুরু।",
        examples=[
            OpenApiExample("Bogura", value="Bogura"),
            OpenApiExample("বগুড়া", value="বগুড়া"),
            OpenApiExample("old spelling", value="Bogra"),
            OpenApiExample("beginning", value="bog"),
        ],
    ),
]
