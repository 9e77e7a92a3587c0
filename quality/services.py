"""Runs of the data-quality checks, and what staff decide about their findings."""

import logging
import time
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from industries.data_version import data_version_bump
from industries.exceptions import CodedError
from industries.history import history_context
from industries.models import Enterprise
from industries.services import enterprise_save
from registrations.models import Application
from surveys.models import EnterpriseChange

from .checks import CHECKS, params
from .completeness import STAFF_FIELDS, filled_sql
from .models import Check, EnterpriseMerge, QualityFlag, QualityReview, QualityRun, QualityScore
from .selectors import latest_run

logger = logging.getLogger(__name__)

# One run at a time, in any process: a second waits for none, it leaves the work to the first.
_RUN_LOCK = "SELECT pg_try_advisory_lock(hashtext('quality.run'))"
_RUN_UNLOCK = "SELECT pg_advisory_unlock(hashtext('quality.run'))"


class RunInProgress(CodedError):
    code = "quality_run_in_progress"
    message_en = "A run of the data-quality checks is in progress; its findings will show when it ends."
    message_bn = "ডেটার মান যাচাই এখন চলছে; শেষ হলে তার ফলাফল দেখা যাবে।"


def quality_run(*, progress=lambda step, done, total: None) -> QualityRun:
    """Every check over every live enterprise, then the scores. Each check's flags are written (and
    committed) as it ends, tagged with the run, and the run's row says how far it is; readers keep seeing
    the previous run's flags until this one has succeeded (quality.selectors). Raises RunInProgress if
    another run holds the lock."""
    with connection.cursor() as cursor:
        cursor.execute(_RUN_LOCK)
        if not cursor.fetchone()[0]:
            raise RunInProgress()
    try:
        return _run(progress)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(_RUN_UNLOCK)


def _run(progress) -> QualityRun:
    run = QualityRun.objects.create(checks_total=len(CHECKS))
    values = params()
    try:
        for done, check in enumerate(CHECKS):
            _set(run, step=check.name, checks_done=done)
            progress(check.name, done, len(CHECKS))
            started = time.perf_counter()
            with connection.cursor() as cursor:
                for statement in check.setup:
                    cursor.execute(statement)
                # Found into a temporary table first: PostgreSQL runs a CREATE TABLE AS's query on several
                # cores, an INSERT ... SELECT's on one (the similar-name check at a million: 48 s, not 91).
                cursor.execute("DROP TABLE IF EXISTS quality_found")
                cursor.execute(
                    f"CREATE TEMP TABLE quality_found (enterprise, other, score, details) AS {check.sql}",
                    values,
                )
                cursor.execute(
                    "INSERT INTO quality_qualityflag (run_id, enterprise_id, check_name, other_id, score, "
                    "details, reviewed) SELECT %s, enterprise, %s, other, score, details, false "
                    "FROM quality_found",
                    [run.pk, check.name],
                )
                cursor.execute("DROP TABLE quality_found")
            run.timings[check.name] = round(time.perf_counter() - started, 3)
        _set(run, step="scores", checks_done=len(CHECKS))
        progress("scores", len(CHECKS), len(CHECKS))
        started = time.perf_counter()
        with connection.cursor() as cursor:
            # The run's flags are most of the table now: without fresh statistics the planner takes them
            # for a few hundred and starts a district's list from every flag of the country.
            cursor.execute("ANALYZE quality_qualityflag")
        with transaction.atomic():
            _mark_reviewed(run)
            _scores(run)
            run.timings["scores"] = round(time.perf_counter() - started, 3)
            _set(
                run,
                status=QualityRun.Status.SUCCEEDED,
                finished=timezone.now(),
                step="",
                flag_count=QualityFlag.objects.filter(run=run).count(),
                enterprises=_live_count(),
                timings=run.timings,
            )
            # The previous runs' findings: only the newest is read. Their scores stay (change over time).
            QualityFlag.objects.filter(run__lt=run.pk).delete()
    except Exception as error:
        logger.exception("Quality run %s stopped", run.pk)
        QualityFlag.objects.filter(run=run).delete()
        _set(run, status=QualityRun.Status.FAILED, finished=timezone.now(), error=str(error)[:2000])
        raise
    return run


def _set(run: QualityRun, **fields) -> None:
    for name, value in fields.items():
        setattr(run, name, value)
    QualityRun.objects.filter(pk=run.pk).update(**fields)


def _live_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM industries_enterprise WHERE deleted IS NULL")
        return cursor.fetchone()[0]


def _mark_reviewed(run: QualityRun) -> None:
    """A finding staff checked and found right stays found, as reviewed: out of the open flags and the
    scores. A pair's review is kept under its lower id and covers both of its flags."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE quality_qualityflag flag SET reviewed = true
            FROM quality_qualityreview review
            WHERE flag.run_id = %s AND review.check_name = flag.check_name
              AND review.enterprise_id
                  = least(flag.enterprise_id, coalesce(flag.other_id, flag.enterprise_id))
              AND review.other_id IS NOT DISTINCT FROM
                  CASE WHEN flag.other_id IS NULL THEN NULL
                       ELSE greatest(flag.enterprise_id, flag.other_id) END
            """,
            [run.pk],
        )


def _scores(run: QualityRun, *, districts: list[int] | None = None) -> None:
    """The run's figures per district and per upazila, over all enterprises and per survey round (the
    rounds whose batches created or changed them); only those of ``districts``, if given."""
    rows = []
    for by_round in (False, True):
        counts = _area_counts(run, by_round=by_round, districts=districts)
        checks = _area_checks(run, by_round=by_round, districts=districts)
        for key, (enterprises, flagged, filled) in counts.items():
            district, upazila, survey_round = key
            rows.append(
                QualityScore(
                    run=run,
                    district_id=district,
                    upazila_id=upazila,
                    survey_round_id=survey_round,
                    enterprises=enterprises,
                    flagged=flagged,
                    checks=checks.get(key, {}),
                    completeness={
                        field: round(count / enterprises, 3)
                        for field, count in zip(STAFF_FIELDS, filled, strict=True)
                    },
                    score=round(100 * (enterprises - flagged) / enterprises, 1),
                )
            )
    QualityScore.objects.bulk_create(rows, batch_size=2000)


def _area_source(by_round: bool) -> tuple[str, str]:
    """The enterprises to group (FROM … and the round's column), all or one row per round they are in."""
    if not by_round:
        return "industries_enterprise e", "NULL::integer"
    return (
        """industries_enterprise e
        JOIN (SELECT DISTINCT change.enterprise_id, batch.survey_round_id
              FROM surveys_enterprisechange change
              JOIN surveys_importbatch batch ON batch.id = change.batch_id) rounds
          ON rounds.enterprise_id = e.id""",
        "rounds.survey_round_id",
    )


def _in_districts(districts: list[int] | None) -> tuple[str, list]:
    """The WHERE condition (and its parameters) that keeps the enterprises of ``districts``, or all."""
    return ("e.district_id = ANY(%s)", [list(districts)]) if districts is not None else ("true", [])


def _area_counts(run: QualityRun, *, by_round: bool, districts: list[int] | None = None) -> dict:
    source, survey_round = _area_source(by_round)
    chosen, chosen_params = _in_districts(districts)
    filled = ", ".join(f"count(*) FILTER (WHERE {filled_sql(field)})" for field in STAFF_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT e.district_id, CASE WHEN GROUPING(e.upazila_id) = 0 THEN e.upazila_id END,
                   {survey_round} AS survey_round, count(*), count(open.enterprise_id), {filled}
            FROM {source}
            LEFT JOIN (SELECT DISTINCT enterprise_id FROM quality_qualityflag
                       WHERE run_id = %s AND NOT reviewed) open ON open.enterprise_id = e.id
            WHERE e.deleted IS NULL AND e.district_id IS NOT NULL AND {chosen}
            GROUP BY GROUPING SETS ((e.district_id, {survey_round}),
                                    (e.district_id, e.upazila_id, {survey_round}))
            """,
            [run.pk, *chosen_params],
        )
        return {
            (district, upazila, round_id): (enterprises, flagged, filled)
            for district, upazila, round_id, enterprises, flagged, *filled in cursor.fetchall()
        }


def _area_checks(run: QualityRun, *, by_round: bool, districts: list[int] | None = None) -> dict:
    """{(district, upazila or None, round or None): {check: enterprises with it open}}."""
    source, survey_round = _area_source(by_round)
    chosen, chosen_params = _in_districts(districts)
    found = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT e.district_id, CASE WHEN GROUPING(e.upazila_id) = 0 THEN e.upazila_id END,
                   {survey_round} AS survey_round, flag.check_name, count(DISTINCT flag.enterprise_id)
            FROM {source}
            JOIN quality_qualityflag flag
              ON flag.enterprise_id = e.id AND flag.run_id = %s AND NOT flag.reviewed
            WHERE e.deleted IS NULL AND e.district_id IS NOT NULL AND {chosen}
            GROUP BY GROUPING SETS ((e.district_id, {survey_round}, flag.check_name),
                                    (e.district_id, e.upazila_id, {survey_round}, flag.check_name))
            """,
            [run.pk, *chosen_params],
        )
        for district, upazila, round_id, check, count in cursor.fetchall():
            found[(district, upazila, round_id)][check] = count
    return found


@transaction.atomic
def flag_review(
    *, enterprise_id: int, check: str, other_id: int | None, user, note: str = ""
) -> QualityReview:
    """ "Checked, it is right": kept with who and when; the flag (both of a pair's) leaves the open ones at
    once, later runs find it reviewed, and the scores of the district (both districts of a pair) are made
    again for the run being shown, so the page's score counts it at once."""
    check = Check(check)
    if other_id is not None:
        enterprise_id, other_id = sorted((enterprise_id, other_id))
    review, _created = QualityReview.objects.get_or_create(
        enterprise_id=enterprise_id,
        check_name=check,
        other_id=other_id,
        defaults={"reviewed_by": user, "note": note},
    )
    pair = {enterprise_id, other_id} - {None}
    flags = QualityFlag.objects.filter(check_name=check, enterprise_id__in=pair)
    flags = flags.filter(other_id__in=pair) if other_id is not None else flags.filter(other__isnull=True)
    flags.update(reviewed=True)
    run = latest_run()
    if run is not None:
        districts = list(
            Enterprise.objects.filter(pk__in=pair, district__isnull=False)
            .values_list("district_id", flat=True)
            .distinct()
        )
        QualityScore.objects.filter(run=run, district_id__in=districts).delete()
        _scores(run, districts=districts)
    return review


class UnreadableWater(CodedError):
    code = "water_unreadable"
    message_en = "Cannot read water bodies from {value}: {reason}"
    message_bn = "{value} থেকে জলাশয় পড়া যায়নি: {reason}"


@transaction.atomic
def water_bodies_load(*, path, name_field: str = "name", source: str) -> int:
    """The polygons of ``path`` (in any CRS GDAL knows; stored as EPSG:4326), cut into pieces of at most
    256 vertices (ST_Subdivide) so that the check's point-in-polygon probes small shapes. Replaces the
    pieces an earlier load of ``source`` made. Lines and points are left out: water is an area here."""
    import geopandas

    try:
        frame = geopandas.read_file(path)
    except Exception as error:  # GDAL's errors are many classes; each means the same to the user
        raise UnreadableWater(str(path), reason=str(error)[:300]) from error
    if frame.crs is None:
        raise UnreadableWater(str(path), reason="the file has no coordinate reference system")
    frame = frame[frame.geometry.notna() & frame.geom_type.isin(["Polygon", "MultiPolygon"])].to_crs(4326)
    names = frame[name_field].fillna("").astype(str) if name_field in frame else [""] * len(frame)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM quality_waterbody WHERE source = %s", [source])
        for name, shape in zip(names, frame.geometry, strict=True):
            cursor.execute(
                "INSERT INTO quality_waterbody (name, source, geom) SELECT %s, %s, piece FROM ST_Subdivide("
                "ST_CollectionExtract(ST_MakeValid(ST_GeomFromWKB(%s, 4326)), 3), 256) AS piece",
                [name[:255], source[:255], shape.wkb],
            )
        cursor.execute("SELECT count(*) FROM quality_waterbody WHERE source = %s", [source])
        return cursor.fetchone()[0]


# --- merging duplicates ------------------------------------------------------------------------------------

# What the kept enterprise takes from the merged one where it has nothing: each group as a whole (workers
# by sex must agree with their total, a sector's division with its section), never a field it has.
FILLED_GROUPS = (
    ("name_bn",),
    ("name_en",),
    ("owner_name",),
    ("owner_phone",),
    ("owner_nid",),
    ("address",),
    ("isic_section", "isic_division"),
    ("product", "product_bn"),
    ("investment_bdt",),
    ("workers_male", "workers_female", "workers_total"),
    ("year_established",),
    ("registration_no",),
    ("stated_size_class",),
)


class MergeRefused(CodedError):
    code = "merge_refused"
    message_en = "These two cannot be merged: {reason}"
    message_bn = "এ দুটি একীভূত করা যায় না: {reason_bn}"


def _blank(value) -> bool:
    return value is None or value == ""


@transaction.atomic
def enterprises_merge(*, kept_id: int, merged_id: int, user, note: str = "") -> EnterpriseMerge:
    """Make ``merged`` a duplicate of ``kept``: kept takes merged's registrations, its import batches (those
    it was not in itself) and every field group it lacks; merged is deleted and redirects to kept. Both
    histories stay, each with the merge as a version. Undone by ``merge_undo``. Raises MergeRefused."""
    rows = {e.pk: e for e in Enterprise.objects.select_for_update().filter(pk__in=[kept_id, merged_id])}
    kept, merged = rows.get(kept_id), rows.get(merged_id)
    if kept_id == merged_id:
        raise MergeRefused(reason="it is the same enterprise", reason_bn="একই প্রতিষ্ঠান")
    if kept is None or merged is None or kept.deleted or merged.deleted:
        raise MergeRefused(
            reason="one of them is deleted or already merged", reason_bn="একটি মুছে ফেলা বা আগেই একীভূত"
        )
    filled, taken = {}, {}
    for group in FILLED_GROUPS:
        if all(_blank(getattr(kept, f)) for f in group) and not all(
            _blank(getattr(merged, f)) for f in group
        ):
            for field in group:
                filled[field], taken[field] = getattr(kept, field), getattr(merged, field)
                setattr(kept, field, taken[field])
    registrations = list(Application.objects.filter(enterprise=merged).values_list("pk", flat=True))
    Application.objects.filter(pk__in=registrations).update(enterprise=kept)
    kept_batches = EnterpriseChange.objects.filter(enterprise=kept).values("batch_id")
    changes = list(
        EnterpriseChange.objects.filter(enterprise=merged)
        .exclude(batch_id__in=kept_batches)
        .values_list("pk", flat=True)
    )
    EnterpriseChange.objects.filter(pk__in=changes).update(enterprise=kept)
    now = timezone.now()
    with history_context(merge_of=merged.pk, merge_into=kept.pk):
        # The number is unique: merged gives it up before kept takes it.
        Enterprise.objects.filter(pk=merged.pk).update(
            deleted=now,
            merged_into=kept,
            updated=now,
            **({"registration_no": None} if "registration_no" in filled else {}),
        )
        if filled:
            try:
                enterprise_save(enterprise=kept)
            except ValidationError as error:
                raise MergeRefused(
                    reason=f"the kept record would be invalid ({'; '.join(error.messages)})",
                    reason_bn="রাখা তথ্যটি অবৈধ হয়ে যেত",
                ) from error
    merge = EnterpriseMerge.objects.create(
        kept=kept,
        merged=merged,
        merged_by=user,
        note=note,
        moved={
            "registrations": registrations,
            "changes": changes,
            "filled": _plain(filled),
            "taken": _plain(taken),
        },
    )
    transaction.on_commit(data_version_bump)
    return merge


def _plain(values: dict) -> dict:
    return {
        field: value if value is None or isinstance(value, int | str) else str(value)
        for field, value in values.items()
    }


@transaction.atomic
def merge_undo(*, merge: EnterpriseMerge, user) -> EnterpriseMerge:
    """Undo a merge: the duplicate comes back as it was, with its registrations and batches, and the kept
    enterprise gives back the fields it took (those not changed since). Raises MergeRefused if it was
    undone already."""
    merge = EnterpriseMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise MergeRefused(reason="this merge was undone already", reason_bn="এই একীভূতকরণ আগেই বাতিল হয়েছে")
    kept = Enterprise.objects.select_for_update().get(pk=merge.kept_id)
    merged = Enterprise.objects.select_for_update().get(pk=merge.merged_id)
    moved = merge.moved
    Application.objects.filter(pk__in=moved.get("registrations", []), enterprise=kept).update(
        enterprise=merged
    )
    EnterpriseChange.objects.filter(pk__in=moved.get("changes", []), enterprise=kept).update(
        enterprise=merged
    )
    with history_context(merge_undone=merge.pk):
        given_back = {}
        taken = moved.get("taken", {})
        for field, before in moved.get("filled", {}).items():
            if _plain({field: getattr(kept, field)})[field] == taken.get(field):  # unchanged since the merge
                given_back[field] = getattr(kept, field)
                setattr(kept, field, before)
        if given_back:
            Enterprise.objects.filter(pk=kept.pk).update(**{f: getattr(kept, f) for f in given_back})
        now = timezone.now()
        Enterprise.objects.filter(pk=merged.pk).update(
            deleted=None,
            merged_into=None,
            updated=now,
            **({"registration_no": given_back["registration_no"]} if "registration_no" in given_back else {}),
        )
    merge.undone_at, merge.undone_by = timezone.now(), user
    merge.save(update_fields=["undone_at", "undone_by"])
    transaction.on_commit(data_version_bump)
    return merge
