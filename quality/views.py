"""The data-quality page at /quality/, for staff holding quality.view_qualityflag: a choropleth of the score
by district (by upazila within a chosen district), the counts of each check per area, the score over the
survey rounds and the runs, and the flagged enterprises, filtered with the API's filter language, each
with its reasons and what can be done about it.

Everything comes from the newest finished run (quality.selectors); the list is the same query as
``/api/v1/quality/``, a page at a time by enterprise id.
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from rest_framework.exceptions import ValidationError as BadRequest

from api.filters import resolve_units
from api.quality import quality_params
from api.selectors import enterprise_list, may_see_personal
from industries.models import District

from .completeness import STAFF_FIELDS
from .exports import flagged_xlsx
from .models import MERGE_PERMISSION, REVIEW_PERMISSION, VIEW_PERMISSION, Check, EnterpriseMerge, QualityScore
from .reasons import reason
from .selectors import area_scores, flagged_enterprises, latest_run, recent_merges, running_run, score_history
from .services import MergeRefused, enterprises_merge, flag_review, merge_undo
from .tasks import run_quality_checks

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The list's filters: the API's words the form offers (any other of the API's words in the URL apply too).
FORM_FILTERS = ("district", "upazila", "size", "sector", "q", "check")


def _staff(request, permission: str = VIEW_PERMISSION):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not request.user.has_perm(permission):
        raise PermissionDenied
    return None


def _bilingual(error) -> str:
    """A filter's 400 as the page shows it: the API's message, in both languages as the API gives it."""
    detail = getattr(error, "detail", None) or getattr(error, "message_dict", None) or str(error)
    if isinstance(detail, dict):
        return " ".join(
            f"{name}: {' '.join(str(m) for m in (v if isinstance(v, list) else [v]))}"
            for name, v in detail.items()
        )
    return str(detail)


def _area_rows(scores, *, bangla: bool) -> list[dict]:
    rows = []
    for score in scores:
        area = score.upazila or score.district
        filled = [share for share in score.completeness.values() if share is not None]
        rows.append(
            {
                "code": area.geocode if score.upazila else area.code,
                "district_code": score.district.code,
                "name": area.name_bn if bangla else area.name_en,
                "enterprises": score.enterprises,
                "flagged": score.flagged,
                "score": score.score,
                "completeness": round(100 * sum(filled) / len(filled)) if filled else None,
                "checks": [score.checks.get(check, 0) for check in Check.values],
            }
        )
    return sorted(rows, key=lambda row: (row["score"], row["name"]))


def _history(district: District, *, bangla: bool) -> list[dict]:
    rows = {}
    for score in score_history(district_id=district.pk):
        row = rows.setdefault(score.run_id, {"run": score.run, "all": None, "rounds": {}})
        if score.survey_round_id is None:
            row["all"] = score.score
        else:
            row["rounds"][score.survey_round.name] = score.score
    return list(rows.values())[-10:]


def _completeness(district: District, run) -> dict:
    """The share of each field filled in the district, over all its enterprises and per survey round, from
    the run's scores: {"rounds": [names], "rows": [(label, all, [per round])]}."""
    scores = QualityScore.objects.filter(run=run, district=district, upazila__isnull=True).select_related(
        "survey_round"
    )
    overall, rounds = None, []
    for score in scores.order_by("survey_round__name"):
        if score.survey_round_id is None:
            overall = score.completeness
        else:
            rounds.append((score.survey_round.name, score.completeness))
    if overall is None:
        return {"rounds": [], "rows": []}

    def percent(share):
        return None if share is None else round(100 * share)

    return {
        "rounds": [name for name, _shares in rounds],
        "rows": [
            (label, percent(overall.get(field)), [percent(shares.get(field)) for _name, shares in rounds])
            for field, (_kind, label) in STAFF_FIELDS.items()
        ],
    }


def _urls() -> dict[str, str]:
    """The URLs each row of the list links to, reversed once a page rather than a few times a row."""
    before, after = reverse("admin:industries_enterprise_change", args=[0]).split("/0/")
    return {
        "admin_before": f"{before}/",
        "admin_after": f"/{after}",
        "review": reverse("quality:review"),
        "merge": reverse("quality:merge"),
    }


@require_GET
def quality_page(request):
    if (refusal := _staff(request)) is not None:
        return refusal
    bangla = translation.get_language() == "bn"
    params = request.GET
    run, running = latest_run(), running_run()
    if running and run and running.pk < run.pk:
        running = None
    error = None
    district = None
    try:
        checks, reviewed = quality_params(params)
        if params.get("district"):
            (unit,) = resolve_units([params["district"]], level="district", param="district")
            district = District.objects.get(pk=unit.id)
        enterprises = flagged_enterprises(
            enterprise_list(params=params), run=run, checks=checks, reviewed=reviewed
        )
        after = int(params.get("after") or 0)
        listed = list(enterprises.filter(id__gt=after)[: PAGE_SIZE + 1])
        matched = enterprises.count()
    except (BadRequest, ValidationError, ValueError) as problem:
        error, listed, matched, checks = _bilingual(problem), [], 0, []
    more = len(listed) > PAGE_SIZE
    listed = listed[:PAGE_SIZE]
    for enterprise in listed:
        enterprise.reasons = [
            {
                "flag": flag,
                "label": Check(flag.check_name).label,
                "text": reason(flag.check_name, flag.details, flag.other_id)["bn" if bangla else "en"],
            }
            for flag in enterprise.found
        ]
    level = "upazila" if district else "district"
    scores = area_scores(run=run, level=level)
    if district:
        scores = scores.filter(district=district)
    areas = _area_rows(scores, bangla=bangla)
    totals = scores.aggregate(enterprises=Sum("enterprises"), flagged=Sum("flagged"))
    next_query = params.copy()
    next_query["after"] = listed[-1].pk if listed else 0
    context = {
        "run": run,
        "running": running,
        "error": error,
        "district": district,
        "district_name": (district.name_bn if bangla else district.name_en) if district else None,
        "level": level,
        "areas": areas,
        "totals": totals,
        "check_choices": Check.choices,
        "chosen_checks": checks,
        "enterprises": listed,
        "matched": matched,
        "next_url": f"?{next_query.urlencode()}" if more else None,
        "export_query": params.copy().urlencode(),
        "urls": _urls(),
        "history": _history(district, bangla=bangla) if district else [],
        "completeness": _completeness(district, run) if district and run else None,
        "fields": [(field, label) for field, (_kind, label) in STAFF_FIELDS.items()],
        "may_review": request.user.has_perm(REVIEW_PERMISSION),
        "may_merge": request.user.has_perm(MERGE_PERMISSION),
        "merges": recent_merges() if request.user.has_perm(MERGE_PERMISSION) else [],
        "form": {name: params.get(name, "") for name in FORM_FILTERS},
        "other_language": ("en", "English") if bangla else ("bn", "বাংলা"),
        "config": {
            "districts": reverse("api:district-list"),
            "upazilas": reverse("api:upazila-list"),
            "level": level,
            "bangla": bangla,
            "district": district.code if district else None,
            "scores": {row["code"]: row["score"] for row in areas},
            "names": {row["code"]: row["name"] for row in areas},
            "strings": {"score": _("Score"), "noData": _("No enterprises")},
        },
    }
    return render(request, "quality/page.html", context)


@require_GET
def export(request):
    """The flagged enterprises of the page's filters as an XLSX for field teams (quality.exports)."""
    if (refusal := _staff(request)) is not None:
        return refusal
    params = request.GET
    try:
        checks, reviewed = quality_params(params)
        enterprises = flagged_enterprises(
            enterprise_list(params=params), run=latest_run(), checks=checks, reviewed=reviewed
        )
    except (BadRequest, ValidationError, ValueError) as problem:
        return HttpResponseBadRequest(_bilingual(problem), content_type="text/plain; charset=utf-8")
    language = "bn" if translation.get_language() == "bn" else "en"
    body, rows = flagged_xlsx(enterprises, personal=may_see_personal(request.user), language=language)
    area = slugify(params.get("district", "")) or "all"
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="quality-{area}-{date.today():%Y-%m-%d}.xlsx"'
    response["X-Export-Rows"] = str(rows)
    return response


@require_POST
def review(request):
    """ "Checked, it is right" for one finding (both of a pair)."""
    if (refusal := _staff(request, REVIEW_PERMISSION)) is not None:
        return refusal
    try:
        enterprise_id = int(request.POST["enterprise"])
        other_id = int(request.POST["other"]) if request.POST.get("other") else None
        flag_review(
            enterprise_id=enterprise_id,
            check=request.POST["check"],
            other_id=other_id,
            user=request.user,
            note=request.POST.get("note", "")[:2000],
        )
    except (KeyError, ValueError):
        messages.error(request, _("That finding could not be marked: reload the page and try again."))
    else:
        messages.success(request, _("Marked as checked and right. It will not be flagged again."))
    return redirect(_back(request))


@require_POST
def run_now(request):
    if (refusal := _staff(request, REVIEW_PERMISSION)) is not None:
        return refusal
    run_quality_checks.enqueue()
    messages.success(request, _("The checks will run now; this page shows their progress."))
    return redirect(_back(request))


@require_POST
def merge(request):
    """Merge a suspected duplicate (``merged``) into the enterprise kept."""
    if (refusal := _staff(request, MERGE_PERMISSION)) is not None:
        return refusal
    try:
        kept_id, merged_id = int(request.POST["kept"]), int(request.POST["merged"])
        enterprises_merge(
            kept_id=kept_id, merged_id=merged_id, user=request.user, note=request.POST.get("note", "")
        )
    except (KeyError, ValueError):
        messages.error(request, _("That merge could not be made: reload the page and try again."))
    except MergeRefused as refused:
        messages.error(
            request, refused.message_bangla if translation.get_language() == "bn" else refused.message
        )
    else:
        messages.success(
            request,
            _("#%(merged)s is merged into #%(kept)s. Undo it under Merges if it was wrong.")
            % {"merged": merged_id, "kept": kept_id},
        )
    return redirect(_back(request))


@require_POST
def undo_merge(request, pk: int):
    if (refusal := _staff(request, MERGE_PERMISSION)) is not None:
        return refusal
    try:
        merge_undo(merge=EnterpriseMerge.objects.get(pk=pk), user=request.user)
    except EnterpriseMerge.DoesNotExist:
        messages.error(request, _("No such merge."))
    except MergeRefused as refused:
        messages.error(
            request, refused.message_bangla if translation.get_language() == "bn" else refused.message
        )
    else:
        messages.success(request, _("The merge is undone: both enterprises are back as they were."))
    return redirect(_back(request))


def _back(request) -> str:
    back = request.POST.get("back", "")
    return back if back.startswith("/quality/") else reverse("quality:page")
