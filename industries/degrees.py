"""Metres as degrees of longitude/latitude (EPSG:4326, where every location is stored): the one conversion,
for simplification tolerances and for the boxes a GiST index answers before an exact distance in metres."""

# A degree of latitude, roughly (and of longitude at the equator).
METRES_PER_DEGREE = 111_320
# The fewest metres a degree of longitude spans in Bangladesh: cos(27°) × 111,320 ≈ 99,190, and the country
# ends at 26.7°N (BANGLADESH_EXTENT).
METRES_PER_DEGREE_MIN = 99_000


def degrees(metres: float) -> float:
    """About ``metres`` in degrees: a tolerance, such as a simplification's, not a bound."""
    return metres / METRES_PER_DEGREE


def degrees_at_least(metres: float) -> float:
    """Degrees that span at least ``metres`` in every direction anywhere in Bangladesh: a distance in
    degrees (ST_DWithin on lon/lat) that holds a circle of ``metres``, which the exact distance then trims."""
    return metres / METRES_PER_DEGREE_MIN
