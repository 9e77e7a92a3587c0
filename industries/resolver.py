"""Turn what people write for a place into the admin unit it means, or say why it cannot.

Accepted: the English name, any alias (Bogra, Chittagong, Jessore, Chapai Nawabganj…), the Bangla name,
the BBS code, geocode or P-code (also in Bangla digits). Matching ignores case, spacing, punctuation,
Unicode normalisation (the two spellings of ড়/য়), zero-width joiners and a trailing "district", "জেলা",
"upazila", "উপজেলা"… word. It never guesses: a name that fits several units raises AmbiguousAdminName
listing them; a name that fits none raises UnknownAdminName with the closest spellings as a hint.
"""

import difflib
import functools
import re
from collections import defaultdict
from dataclasses import dataclass

from .bangla import name_key, normalise_text, to_ascii_digits
from .exceptions import AmbiguousAdminName, UnknownAdminName

LEVELS = ("division", "district", "upazila")
LEVEL_BN = {"division": "বিভাগ", "district": "জেলা", "upazila": "উপজেলা"}
NARROWER = {"division": None, "district": "division", "upazila": "district"}

# Words that name the level rather than the place: "Bogura District" is Bogura. "Sadar" and
# "City Corporation" are part of names and are kept.
_LEVEL_WORDS = re.compile(
    r"[\s,\-]*\b(?:district|zila|zilla|jela|division|bibhag|upazila|upazilla|thana)\s*$"
    r"|[\s,\-]*(?:জেলা|বিভাগ|উপজেলা|থানা)\s*$",
    re.IGNORECASE,
)
_CODE = re.compile(r"^(?:BD)?(\d+)$", re.IGNORECASE)


@dataclass(frozen=True)
class AdminRef:
    level: str
    id: int
    code: str
    geocode: str
    name_en: str
    name_bn: str
    division_code: str
    district_code: str | None = None  # for upazilas
    geocode_legacy: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name_en, self.name_bn, *self.aliases)

    def label(self) -> str:
        return f"{self.name_en} [{self.geocode}]"

    def is_within(self, parent: "AdminRef") -> bool:
        if parent.level == "division":
            return self.division_code == parent.code
        return parent.level == "district" and self.district_code == parent.code


def strip_level_word(text: str) -> str:
    stripped = _LEVEL_WORDS.sub("", text)
    return stripped or text


class AdminNameResolver:
    def __init__(self, units: list[AdminRef]):
        self._by_key: dict[tuple[str, str], set[AdminRef]] = defaultdict(set)
        self._by_code: dict[tuple[str, str], set[AdminRef]] = defaultdict(set)
        self._names: dict[str, dict[str, str]] = defaultdict(dict)  # level -> key -> display name
        for unit in units:
            self._by_code[(unit.level, unit.geocode)].add(unit)
            self._by_code[(unit.level, unit.code)].add(unit)
            if unit.geocode_legacy:
                self._by_code[(unit.level, unit.geocode_legacy)].add(unit)
            for name in unit.names:
                key = name_key(strip_level_word(normalise_text(name)))
                self._by_key[(unit.level, key)].add(unit)
                self._names[unit.level][key] = name

    @classmethod
    def from_database(cls) -> "AdminNameResolver":
        from .models import District, Division, Upazila

        units = []
        for row in Division.objects.values("id", "code", "geocode", "name_en", "name_bn", "aliases"):
            units.append(_ref("division", row, division_code=row["code"]))
        for row in District.objects.values(
            "id", "code", "geocode", "name_en", "name_bn", "aliases", "division__code"
        ):
            units.append(_ref("district", row, division_code=row["division__code"]))
        for row in Upazila.objects.values(
            "id",
            "code",
            "geocode",
            "geocode_legacy",
            "name_en",
            "name_bn",
            "aliases",
            "district__code",
            "district__division__code",
        ):
            units.append(
                _ref(
                    "upazila",
                    row,
                    division_code=row["district__division__code"],
                    district_code=row["district__code"],
                    geocode_legacy=row["geocode_legacy"],
                )
            )
        return cls(units)

    def resolve(self, text: str, *, level: str | None = None, within: AdminRef | None = None) -> AdminRef:
        """The unit ``text`` names, at ``level`` (any level when None), inside ``within`` when given."""
        levels = (level,) if level else LEVELS
        if level not in (None, *LEVELS):
            raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
        cleaned = normalise_text(to_ascii_digits(str(text or "")))
        if not cleaned:
            raise UnknownAdminName(text, level=level or "place", level_bn=LEVEL_BN.get(level, "এলাকা"), hint="")

        code = _CODE.match(cleaned.replace(" ", ""))
        found: set[AdminRef] = set()
        for lvl in levels:
            if code:
                found |= self._by_code.get((lvl, code.group(1)), set())
            else:
                key = name_key(strip_level_word(cleaned))
                found |= self._by_key.get((lvl, key), set())
                if not found and within is not None and lvl == "upazila" and key == "sadar":
                    # "Sadar" inside a district means that district's Sadar upazila.
                    found |= self._by_key.get((lvl, name_key(within.name_en + "sadar")), set())
        if within is not None:
            found = {unit for unit in found if unit == within or unit.is_within(within)}
        if len(found) == 1:
            return next(iter(found))
        if not found:
            raise self._unknown(text, level, cleaned)
        narrower = NARROWER.get(level) or "level"
        raise AmbiguousAdminName(
            text,
            candidates=", ".join(sorted(f"{u.level} {u.label()}" for u in found)),
            narrower=narrower,
            narrower_bn=LEVEL_BN.get(narrower, "স্তর"),
        )

    def _unknown(self, text, level, cleaned) -> UnknownAdminName:
        levels = (level,) if level else LEVELS
        names = {key: name for lvl in levels for key, name in self._names[lvl].items()}
        close = difflib.get_close_matches(name_key(cleaned), list(names), n=3, cutoff=0.75)
        hint = f" Did you mean: {', '.join(names[k] for k in close)}?" if close else ""
        return UnknownAdminName(text, level=level or "place", level_bn=LEVEL_BN.get(level, "এলাকা"), hint=hint)


def _ref(level: str, row: dict, **parents) -> AdminRef:
    return AdminRef(
        level=level,
        id=row["id"],
        code=row["code"],
        geocode=row["geocode"],
        name_en=row["name_en"],
        name_bn=row["name_bn"],
        aliases=tuple(row["aliases"]),
        **parents,
    )


@functools.cache
def get_resolver() -> AdminNameResolver:
    """The resolver over the loaded geography; cleared when admin_geography_load commits."""
    return AdminNameResolver.from_database()
