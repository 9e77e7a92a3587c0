"""``/api/v1/quality/``: the enterprises the data-quality checks flagged (quality.checks), each with its
findings and their reasons in English and Bangla, for staff and API keys whose user holds
``quality.view_qualityflag``.

It takes the enterprises' filter language (district, upazila, size, sector, q, bbox, survey…) and
``check=<name>[,<name>]``; ``reviewed=true`` includes findings staff checked and found right. Findings are
those of the newest finished run; ``run`` says when it was, ``running`` how far a newer one is. Pages by
keyset on the enterprise id, as the enterprises list does. Owners' names, phones and NIDs only for holders
of view_personal, as everywhere; a finding never carries them.
"""

from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView

from quality.models import VIEW_PERMISSION, Check, QualityRun
from quality.reasons import reason
from quality.selectors import flagged_enterprises, latest_run, parse_checks, running_run

from . import docs
from .docs import query_parameter
from .exceptions import bilingual
from .filters import parse_boolean
from .pagination import Cursor, page_size
from .permissions import HoldsPermission
from .responses import json_response, page_url
from .selectors import enterprise_list, may_see_personal

CHECK_PARAMETER = query_parameter(
    "check",
    "Only enterprises with these findings; several comma-separated. শুধু এই যাচাইয়ে চিহ্নিত প্রতিষ্ঠান।",
    [
        ("suspected duplicates", "similar_name,same_owner"),
        ("outside the stated district", "outside_district"),
    ],
    many=True,
    enum=Check.values,
)
REVIEWED_PARAMETER = query_parameter(
    "reviewed",
    "true: also the findings staff checked and found right. যাচাই করে সঠিক পাওয়া ফলাফলও।",
    [("include reviewed", "true")],
    enum=docs.BOOLEAN_WORDS,
)


class MayViewQuality(HoldsPermission):
    permission = VIEW_PERMISSION
    message = bilingual(
        "This key or account may not read the data-quality findings (permission view_qualityflag).",
        "এই কী বা অ্যাকাউন্ট দিয়ে ডেটার মান যাচাইয়ের ফলাফল দেখা যায় না (অনুমতি view_qualityflag)।",
    )


def run_summary(run: QualityRun | None) -> dict | None:
    if run is None:
        return None
    return {
        "id": run.pk,
        "started": run.started.isoformat(),
        "finished": run.finished.isoformat() if run.finished else None,
        "enterprises": run.enterprises,
        "flags": run.flag_count,
        "step": run.step or None,
        "checks_done": run.checks_done,
        "checks_total": run.checks_total,
    }


def flag_row(flag) -> dict:
    label = Check(flag.check_name).label
    return {
        "check": flag.check_name,
        "label": {"en": _in("en", label), "bn": _in("bn", label)},
        "score": flag.score,
        "other": flag.other_id,
        "reason": reason(flag.check_name, flag.details, flag.other_id),
        "reviewed": flag.reviewed,
    }


def _in(language: str, text) -> str:
    with translation.override(language):
        return str(text)


def enterprise_row(enterprise, *, personal: bool) -> dict:
    row = {
        "id": enterprise.pk,
        "name_en": enterprise.name_en,
        "name_bn": enterprise.name_bn,
        "district": enterprise.district.code if enterprise.district else None,
        "upazila": enterprise.upazila.geocode if enterprise.upazila else None,
        "location": [enterprise.location.x, enterprise.location.y],
        "size_class": enterprise.size_class,
        "isic_section": enterprise.isic_section,
        "flags": [flag_row(flag) for flag in enterprise.found],
    }
    if personal:
        row |= {name: getattr(enterprise, name) for name in ("owner_name", "owner_phone", "owner_nid")}
    return row


def quality_params(params) -> tuple[list[str], bool]:
    try:
        checks = parse_checks(params.getlist("check"))
    except ValueError as error:
        raise ValidationError(
            {
                "check": bilingual(
                    f"No such check: {error}. One of {', '.join(Check.values)}.",
                    f"এমন কোনো যাচাই নেই: {error}। {', '.join(Check.values)}-এর একটি।",
                )
            }
        ) from None
    reviewed = parse_boolean(params.get("reviewed") or "false", name="reviewed")
    return checks, reviewed


class QualityList(APIView):
    """Enterprises with data-quality findings, a page at a time."""

    permission_classes = [MayViewQuality]

    @extend_schema(
        operation_id="quality_list",
        parameters=[*docs.FILTER_PARAMETERS, CHECK_PARAMETER, REVIEWED_PARAMETER, *docs.PAGE_PARAMETERS[:2]],
        responses={(200, docs.JSON): OpenApiTypes.OBJECT},
    )
    def get(self, request):
        params = request.query_params
        checks, reviewed = quality_params(params)
        size = page_size(params, default=100)
        cursor = Cursor.decode(params["cursor"]) if params.get("cursor") else None
        run = latest_run()
        enterprises = flagged_enterprises(
            enterprise_list(params=params), run=run, checks=checks, reviewed=reviewed
        )
        backwards = cursor is not None and cursor.direction == "prev"
        window = enterprises
        if cursor is not None:
            window = (
                window.filter(id__lt=cursor.key[0]).order_by("-id")
                if backwards
                else window.filter(id__gt=cursor.key[0])
            )
        rows = list(window[: size + 1])
        more = len(rows) > size
        rows = sorted(rows[:size], key=lambda enterprise: enterprise.pk)
        has_next, has_prev = (True, more) if backwards else (more, cursor is not None)
        links = {
            rel: page_url(request, cursor=Cursor(rel, (row.pk,)).encode()) if wanted and rows else None
            for rel, wanted, row in (
                ("next", has_next, rows[-1:] and rows[-1]),
                ("prev", has_prev, rows[:1] and rows[0]),
            )
        }
        personal = may_see_personal(request.user)
        newer = running_run()
        return json_response(
            {
                "run": run_summary(run),
                "running": run_summary(newer) if newer and (run is None or newer.pk > run.pk) else None,
                "numberMatched": enterprises.count(),
                "numberReturned": len(rows),
                "next": links["next"],
                "prev": links["prev"],
                "results": [enterprise_row(enterprise, personal=personal) for enterprise in rows],
            }
        )
