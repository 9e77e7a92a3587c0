"""The history of enterprises: who changed what, when, through which request or import batch.

PostgreSQL triggers write the versions (industries.EnterpriseEvent, see the model); this module gives them
their context and reads them back. A request that may write (POST, PUT, PATCH, DELETE) runs in a history
context holding its user, method and path; an import batch runs in one holding the batch and its user.
Events of one context (an admin save writes the row, then locates it) are one version.
"""

from datetime import date, datetime

import pghistory
import pghistory.middleware
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import GEOSGeometry

from .models import District, Division, Enterprise, EnterpriseEvent, Upazila

# What a version compares: the tracked columns, minus the key and the bookkeeping. Areas are named by
# their geocode, as everywhere in the API.
VERSION_FIELDS = tuple(
    field.name
    for field in EnterpriseEvent._meta.concrete_fields
    if not field.name.startswith("pgh_") and field.name not in ("id", "created")
)
AREA_FIELDS = {
    "division": Division,
    "district": District,
    "upazila": Upazila,
    "stated_district": District,
    "stated_upazila": Upazila,
}
# Other references, by id (the enterprise a duplicate was merged into).
REFERENCE_FIELDS = frozenset(
    field.name
    for field in EnterpriseEvent._meta.concrete_fields
    if field.is_relation and field.name in VERSION_FIELDS and field.name not in AREA_FIELDS
)
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def history_context(**metadata):
    """Group the changes made inside ``with history_context(batch=…, user=…):`` under one context; called
    without ``with``, add metadata to the context already open (nothing if none is)."""
    return pghistory.context(**metadata)


class HistoryMiddleware(pghistory.middleware.HistoryMiddleware):
    """Requests that may write run in a history context (user, method, path). DRF authenticates in the
    view; pghistory's request class passes the user it sets on to the context."""

    def get_context(self, request):
        return {**super().get_context(request), "method": request.method}

    def __call__(self, request):
        if request.method in READ_METHODS:  # no context on reads: nothing to record, no SQL added
            return self.get_response(request)
        return super().__call__(request)


def _plain(value):
    if isinstance(value, GEOSGeometry):
        return [round(value.x, 7), round(value.y, 7)]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _action(label: str, before: dict | None, after: dict) -> str:
    if label == "insert":
        return "created"
    if label == "delete":
        return "erased"  # a hard delete, outside the application (soft deletes are updates)
    if label == "baseline":
        return "recorded"  # the state when history began
    if before is not None and before["merged_into"] is None and after["merged_into"] is not None:
        return "merged"  # into another record of the same enterprise (quality.services.enterprises_merge)
    if before is not None and before["merged_into"] is not None and after["merged_into"] is None:
        return "merge undone"
    if before is not None and before["deleted"] is None and after["deleted"] is not None:
        return "deleted"
    if before is not None and before["deleted"] is not None and after["deleted"] is None:
        return "restored"
    return "updated"


def _area_geocodes(events) -> dict:
    """(model, id) -> geocode of every area the events name, a query per level."""
    found = {}
    for model in (Division, District, Upazila):
        ids = {getattr(e, f"{n}_id") for e in events for n, m in AREA_FIELDS.items() if m is model}
        ids.discard(None)
        found |= {
            (model, pk): code for pk, code in model.objects.filter(pk__in=ids).values_list("pk", "geocode")
        }
    return found


def enterprise_versions(enterprise_id: int, *, personal: bool) -> list[dict]:
    """The versions of one enterprise, oldest first: when, what changed (field: [before, after]), by whom,
    through which batch or request. ``personal`` false leaves owners' names, phones and NIDs out of them.
    ``changes`` is null where the state before is unknown."""
    events = (
        EnterpriseEvent.objects.filter(pgh_obj_id=enterprise_id)
        .select_related("pgh_context")
        .order_by("pgh_id")
    )
    groups: list[list] = []
    for event in events:
        if groups and event.pgh_context_id and groups[-1][-1].pgh_context_id == event.pgh_context_id:
            groups[-1].append(event)
        else:
            groups.append([event])
    contexts = [group[-1].pgh_context.metadata if group[-1].pgh_context else {} for group in groups]
    user_ids = {c["user"] for c in contexts if isinstance(c.get("user"), int)}
    names = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username"))
    hidden = set() if personal else set(Enterprise.PERSONAL_FIELDS)
    geocodes = _area_geocodes([e for group in groups for e in group])

    versions, before = [], None
    for number, (group, context) in enumerate(zip(groups, contexts, strict=True), start=1):
        last = group[-1]
        after = {
            name: geocodes.get((AREA_FIELDS[name], getattr(last, f"{name}_id")))
            if name in AREA_FIELDS
            else getattr(last, f"{name}_id")
            if name in REFERENCE_FIELDS
            else _plain(getattr(last, name))
            for name in VERSION_FIELDS
        }
        label = group[0].pgh_label if group[0].pgh_label == "insert" else last.pgh_label
        if label == "insert":
            changes = {f: [None, v] for f, v in after.items() if v not in (None, "", False)}
        elif before is None or label == "delete":
            changes = None
        else:
            changes = {f: [before[f], v] for f, v in after.items() if before[f] != v}
        if changes is not None:
            changes = {f: pair for f, pair in changes.items() if f not in hidden}
        user = context.get("user")
        versions.append(
            {
                "version": number,
                "at": last.pgh_created_at.isoformat(),
                "action": _action(label, before, after),
                "changes": changes,
                "by": {"id": user, "username": names.get(user)} if user is not None else None,
                "batch": context.get("batch"),
                "request": {"method": context["method"], "path": context.get("url")}
                if context.get("method")
                else None,
                "api_key": context.get("api_key"),
                "context": str(last.pgh_context_id) if last.pgh_context_id else None,
            }
        )
        before = after
    return versions
