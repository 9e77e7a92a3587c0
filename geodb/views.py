"""Pages of the site as a whole: /about/data/, how the data are made, in English or Bangla.

Every figure on the page is read from where the code takes it (the size-class tables, the suppression
setting, the boundaries' attribution, the data's freshness), so the page cannot drift from what the map
and the API do. The prose of each language is its own template (templates/about/).
"""

import functools
import re

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from industries.bangla import to_bangla_digits
from industries.freshness import data_as_of
from industries.size_class import (
    BOTTOM,
    CRORE,
    LABOUR_INTENSIVE_MIN_WORKERS_LARGE,
    LAKH,
    SIZE_TABLES,
    Kind,
    Policy,
    SizeClass,
)
from industries.synthetic import CENSUS_2013

ATTRIBUTION_FILE = settings.BASE_DIR / "fixtures" / "bd-admin" / "README.md"
SIZE_BN = {"cottage": "কুটির", "micro": "মাইক্রো", "small": "ক্ষুদ্র", "medium": "মাঝারি", "large": "বৃহৎ"}
KIND_BN = {"manufacturing": "উৎপাদনশিল্প", "service": "সেবাশিল্প"}


@functools.cache
def boundary_attribution() -> str:
    """The attribution the boundaries' licence asks for, as the fixtures' README words it (its quoted
    paragraph after "Required attribution"); the short form of the settings if it cannot be read."""
    try:
        text = ATTRIBUTION_FILE.read_text(encoding="utf-8")
    except OSError:
        return settings.BOUNDARY_ATTRIBUTION
    found = re.search(r"Required attribution\.[^\n]*\n(?:[^>\n][^\n]*\n)*\n((?:> [^\n]*\n)+)", text)
    if not found:
        return settings.BOUNDARY_ATTRIBUTION
    return " ".join(line.removeprefix("> ").strip() for line in found[1].splitlines())


def _amount(bdt: int, *, bangla: bool) -> str:
    if bdt == 0:
        number, unit = "0", ""
    elif bdt >= CRORE:
        number, unit = f"{bdt / CRORE:g}", "কোটি" if bangla else "crore"
    else:
        number, unit = f"{bdt / LAKH:g}", "লাখ" if bangla else "lakh"
    if bangla:
        number = to_bangla_digits(number)
    return f"{number} {unit}".strip()


def size_rows(policy: str, kind: str, *, bangla: bool) -> list[dict]:
    """One row per band of the policy's table: the class and the lower bounds of assets and workers."""
    digits = to_bangla_digits if bangla else str
    rows = []
    for band in SIZE_TABLES[policy][kind]:
        if kind == Kind.SERVICE and band.size == BOTTOM:
            name = "কুটির বা মাইক্রো" if bangla else f"{SizeClass.COTTAGE.label} or {SizeClass.MICRO.label}"
        else:
            name = SIZE_BN[band.size] if bangla else str(band.size.label)
        rows.append(
            {
                "size": name,
                "assets": _amount(band.min_assets_bdt, bangla=bangla),
                "workers": digits(f"{band.min_workers:,}"),
            }
        )
    return rows


def _chosen_language(request) -> str | None:
    chosen = request.GET.get("lang")
    return chosen if chosen in dict(settings.LANGUAGES) else None


@require_GET
def about_data(request):
    # ?lang= as on the map (a shared link opens in its language), remembered in the language cookie;
    # without it, Django's LocaleMiddleware has read the cookie or the browser's languages.
    chosen = _chosen_language(request)
    if chosen:
        translation.activate(chosen)
        request.LANGUAGE_CODE = chosen
    bangla = translation.get_language() == "bn"
    policy = settings.SIZE_CLASS_POLICY
    digits = to_bangla_digits if bangla else str
    census_total = sum(sum(counts) for counts in CENSUS_2013.values())
    context = {
        "bangla": bangla,
        "language": "bn" if bangla else "en",
        "other_language": ("en", "English") if bangla else ("bn", "বাংলা"),
        "policy": Policy(policy).label if policy in Policy.values else policy,
        "kinds": [
            {
                "name": KIND_BN[kind] if bangla else str(kind.label),
                "rows": size_rows(policy, kind, bangla=bangla),
            }
            for kind in Kind
        ],
        "labour_intensive_workers": digits(f"{LABOUR_INTENSIVE_MIN_WORKERS_LARGE:,}"),
        "suppress_below": settings.API_SUPPRESS_BELOW,
        "suppress_below_text": digits(str(settings.API_SUPPRESS_BELOW)),
        "boundary_attribution": boundary_attribution(),
        "boundary_attribution_short": settings.BOUNDARY_ATTRIBUTION,
        "census_total": digits(f"{census_total:,}"),
        "freshness": data_as_of(),
        "api_root": reverse("api:root"),
        "api_docs": reverse("api:docs"),
        "export_csv": reverse("api:enterprise-export", kwargs={"fmt": "csv"}),
        "ogc": reverse("ogc:landing"),
        "site": request.build_absolute_uri("/"),
    }
    response = render(request, "about/data.html", context)
    if chosen:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, chosen, max_age=365 * 24 * 3600, samesite="Lax")
    return response
