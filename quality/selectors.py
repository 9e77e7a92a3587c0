"""Reads of the data-quality findings: always those of the newest run that finished."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from industries.models import Enterprise

from .models import Check, EnterpriseMerge, QualityFlag, QualityRun, QualityScore

# The areas' boundaries: megabytes a page of rows that name their areas does not need.
AREA_SHAPES = ("district__geom", "district__geom_simple", "upazila__geom", "upazila__geom_simple")


def latest_run() -> QualityRun | None:
    return QualityRun.objects.filter(status=QualityRun.Status.SUCCEEDED).order_by("-pk").first()


def running_run() -> QualityRun | None:
    """A run in progress, newer than the latest finished one: what the staff page shows progress of."""
    return QualityRun.objects.filter(status=QualityRun.Status.RUNNING).order_by("-pk").first()


def open_flags(
    *, run: QualityRun | None, checks: list[str] | None = None, reviewed: bool = False
) -> QuerySet:
    """The run's flags, surest first; without those staff found right unless ``reviewed``."""
    if run is None:
        return QualityFlag.objects.none()
    flags = QualityFlag.objects.filter(run=run)
    if not reviewed:
        flags = flags.filter(reviewed=False)
    if checks:
        flags = flags.filter(check_name__in=checks)
    return flags.order_by("-score", "check_name", "other_id")


def flagged_enterprises(
    enterprises: QuerySet[Enterprise],
    *,
    run: QualityRun | None,
    checks: list[str] | None = None,
    reviewed=False,
) -> QuerySet[Enterprise]:
    """The enterprises of ``enterprises`` (already filtered by the API's filter language) with at least one
    such flag, each with its flags prefetched as ``found``, in id order."""
    flags = open_flags(run=run, checks=checks, reviewed=reviewed)
    return (
        enterprises.filter(Exists(flags.filter(enterprise=OuterRef("pk"))))
        .select_related("district", "upazila")
        .defer(*AREA_SHAPES)
        .prefetch_related(Prefetch("quality_flags", queryset=flags, to_attr="found"))
        .order_by("id")
    )


def parse_checks(values: list[str]) -> list[str]:
    """``check=a,b`` as check names; a name that is no check is a ValueError naming the valid ones."""
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in Check.values]
    if unknown:
        raise ValueError(", ".join(unknown))
    return names


def area_scores(
    *, run: QualityRun | None, level: str = "district", survey_round=None
) -> QuerySet[QualityScore]:
    """The run's scores per district (``level="district"``) or per upazila, over all enterprises or one
    survey round's."""
    if run is None:
        return QualityScore.objects.none()
    scores = QualityScore.objects.filter(run=run, survey_round=survey_round)
    scores = scores.filter(upazila__isnull=level == "district")
    return scores.select_related("district", "upazila").defer(*AREA_SHAPES)


def score_history(*, district_id: int) -> QuerySet[QualityScore]:
    """A district's score in every finished run, per survey round and over all: how its data improves."""
    return (
        QualityScore.objects.filter(
            district_id=district_id, upazila__isnull=True, run__status=QualityRun.Status.SUCCEEDED
        )
        .select_related("run", "survey_round")
        .order_by("run_id", "survey_round_id")
    )


def merges_of(enterprise_id: int) -> list[dict]:
    """The merges an enterprise took part in, kept or merged, newest first: in its history, with whether
    each is in force (an undone one stays, as the record of what was done)."""
    merges = EnterpriseMerge.objects.filter(Q(kept_id=enterprise_id) | Q(merged_id=enterprise_id))
    return [
        {
            "id": merge.pk,
            "kept": merge.kept_id,
            "merged": merge.merged_id,
            "merged_at": merge.merged_at.isoformat(),
            "undone_at": merge.undone_at.isoformat() if merge.undone_at else None,
        }
        for merge in merges.order_by("-merged_at")
    ]


def recent_merges(*, limit: int = 20) -> QuerySet[EnterpriseMerge]:
    return EnterpriseMerge.objects.select_related("kept", "merged", "merged_by", "undone_by")[:limit]
