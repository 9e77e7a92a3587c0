"""OpenAPI descriptions of the query parameters, with examples in English and Bangla."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter

INT = OpenApiTypes.INT


class KeyAsBasicPasswordScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.KeyAsBasicPassword"
    name = "keyAsBasicPassword"
    priority = 1  # over drf-spectacular's own TokenAuthentication scheme, which would match the subclass

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "basic",
            "description": "Any user name, the API key as the password (for GIS clients such as QGIS).",
        }


def query_parameter(name, description, examples, type_=OpenApiTypes.STR, many=False):
    return OpenApiParameter(
        name,
        type_,
        OpenApiParameter.QUERY,
        description=description,
        many=many,
        explode=False if many else None,
        examples=[OpenApiExample(label, value=value) for label, value in examples],
    )


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
    ),
    query_parameter(
        "sector",
        "ISIC Rev.4 / BSIC section letter (C = manufacturing) or 2-digit division (13 = textiles). "
        "খাত: আইএসআইসি সেকশন বা বিভাগ কোড।",
        [("manufacturing", "C"), ("textiles", "13")],
        many=True,
    ),
    query_parameter("kind", "manufacturing or service. উৎপাদন বা সেবা।", [("service", "service")]),
    query_parameter(
        "year_min", "Established in or after. প্রতিষ্ঠার বছর থেকে।", [("since 2010", "2010")], OpenApiTypes.INT
    ),
    query_parameter(
        "year_max", "Established in or before. প্রতিষ্ঠার বছর পর্যন্ত।", [("until 2015", "2015")], OpenApiTypes.INT
    ),
    query_parameter(
        "workers_min", "At least this many workers. ন্যূনতম শ্রমিক।", [("10+", "10")], OpenApiTypes.INT
    ),
    query_parameter(
        "workers_max", "At most this many workers. সর্বোচ্চ শ্রমিক।", [("≤ 50", "50")], OpenApiTypes.INT
    ),
    query_parameter(
        "registered",
        "true: has a BSCIC registration number; false: has none. বিসিক নিবন্ধিত কি না।",
        [("registered", "true")],
        OpenApiTypes.BOOL,
    ),
    query_parameter(
        "q",
        "Text search over English and Bangla names and products; Bangla digits and near spellings match. "
        "নাম বা পণ্যে খুঁজুন।",
        [("handloom", "handloom"), ("তাঁত", "তাঁত")],
    ),
    query_parameter(
        "bbox",
        "minlon,minlat,maxlon,maxlat (EPSG:4326); values past ±180/±90 are clamped. মানচিত্রের সীমা।",
        [("Bogura town", "89.30,24.80,89.42,24.90")],
    ),
    query_parameter(
        "near",
        "lon,lat: with radius, the enterprises within radius metres, nearest first. কাছাকাছি (দ্রাঘিমা,অক্ষাংশ)।",
        [("Bogura town", "89.3697,24.8465")],
    ),
    query_parameter("radius", "Metres, with near. মিটার।", [("2 km", "2000")], OpenApiTypes.NUMBER),
    query_parameter(
        "within",
        "A GeoJSON or WKT polygon (EPSG:4326). বহুভুজের ভেতরে।",
        [("WKT", "POLYGON((89.3 24.8,89.4 24.8,89.4 24.9,89.3 24.9,89.3 24.8))")],
    ),
    query_parameter(
        "batch", "Import batch id (provenance). ইমপোর্ট ব্যাচ।", [("batch 3", "3")], OpenApiTypes.INT
    ),
    query_parameter(
        "survey",
        "Survey round name or id (provenance). জরিপের নাম।",
        [("Rajshahi pilot", "Rajshahi pilot 2016-17")],
        many=True,
    ),
]
PAGE_PARAMETERS = [
    query_parameter(
        "page_size",
        "Features per page, 1–10,000 (default 100). পাতাপ্রতি সংখ্যা।",
        [("1000", "1000")],
        OpenApiTypes.INT,
    ),
    query_parameter(
        "cursor",
        "Opaque; follow the next/prev links. পরের/আগের পাতার লিংক অনুসরণ করুন।",
        [("from a link", "WyJuZXh0IiwgWzEwMF1d")],
    ),
]
ADMIN_UNIT_PARAMETERS = [
    query_parameter(
        "geometry",
        "false: a plain JSON list without shapes (for dropdowns). আকৃতি ছাড়া তালিকা।",
        [("list", "false")],
        OpenApiTypes.BOOL,
    ),
    query_parameter(
        "simplify",
        "Simplify shapes to about this many metres. সরলীকরণ (মিটার)।",
        [("500 m", "500")],
        OpenApiTypes.NUMBER,
    ),
    query_parameter("division", "Only the units in this division. এই বিভাগের।", [("Rajshahi", "Rajshahi")]),
    query_parameter("district", "Only the units in this district (upazilas). এই জেলার।", [("Bogura", "বগুড়া")]),
]
