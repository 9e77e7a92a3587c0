"""``GET /api/v1/enterprises/{id}/history/``: every version of one enterprise, for keys whose user holds
industries.view_enterprise_history; owners' names, phones and NIDs inside them only with view_personal.

The versions are written by PostgreSQL triggers (industries.models) and read by industries.history, the
same reader as the admin's history page. A deleted enterprise keeps its history here.
"""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import BasePermission
from rest_framework.views import APIView

from industries.history import enterprise_versions
from industries.models import Enterprise
from quality.selectors import merges_of

from .exceptions import bilingual
from .responses import json_response
from .selectors import may_see_history, may_see_personal


class MaySeeHistory(BasePermission):
    message = bilingual(
        "This key may not read the history of enterprises (permission view_enterprise_history).",
        "এই কী দিয়ে প্রতিষ্ঠানের ইতিহাস দেখা যায় না (অনুমতি view_enterprise_history)।",
    )

    def has_permission(self, request, view):
        return may_see_history(request.user)


class EnterpriseHistory(APIView):
    permission_classes = [MaySeeHistory]

    @extend_schema(
        operation_id="enterprises_history",
        description="Every version of the enterprise, oldest first: when, what changed (field: [before, "
        "after]), by whom, through which import batch or request. প্রতিষ্ঠানের সব সংস্করণ।",
        responses={200: dict},
    )
    def get(self, request, pk: int):
        enterprise = Enterprise.objects.filter(pk=pk).values("deleted").first()
        personal = may_see_personal(request.user)
        versions = enterprise_versions(pk, personal=personal)
        if enterprise is None and not versions:
            raise Http404
        merges = merges_of(pk)
        body = {
            "id": pk,
            "deleted": enterprise is None or enterprise["deleted"] is not None,
            "versions": versions,
            "merges": merges,
            # The duplicates merged into this one (and not given back), with their own versions: the
            # history of both records, as the merge keeps it.
            "merged_records": [
                {"id": merge["merged"], "versions": enterprise_versions(merge["merged"], personal=personal)}
                for merge in merges
                if merge["kept"] == pk and merge["undone_at"] is None
            ],
        }
        return json_response(body)
