"""Exports of any filtered query as a file: ``WRITERS`` holds one writer per format, each a module here on
the classes of ``base``; ``EnterpriseExport`` is the endpoint.

The rows are the list endpoint's, with the columns this caller may read (``enterprise_columns``), so personal
data leaves only with ``industries.view_personal``, in every format. Memory stays flat however many rows
match. The export's transaction is open for as long as the client reads, so exports have rate limits, a cap
on how many run at once (``api.throttling``) and timeouts (``EXPORT_STATEMENT_TIMEOUT``…) of their own.
"""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import DjangoModelPermissionsOrAnonReadOnly
from rest_framework.views import APIView

from geodb.replicas import ReplicaReads
from industries.models import Enterprise

from .. import docs
from ..selectors import enterprise_columns, enterprise_list
from ..throttling import ExportAnonRateThrottle, ExportKeyRateThrottle, ReleasingContent, export_slot_take
from .csv_ import CsvWriter
from .filenames import content_disposition, export_filename
from .geojson import GeoJsonWriter
from .gpkg import GpkgWriter
from .xlsx import XlsxWriter

# Format -> writer, in the order the API lists them (the OpenAPI enum, the 404 for an unknown format).
WRITERS = {writer.format: writer for writer in (CsvWriter, XlsxWriter, GeoJsonWriter, GpkgWriter)}


class EnterpriseExport(ReplicaReads, APIView):
    """Every enterprise matching the filters, as one file: csv, xlsx, geojson or gpkg."""

    permission_classes = [DjangoModelPermissionsOrAnonReadOnly]
    throttle_classes = [ExportAnonRateThrottle, ExportKeyRateThrottle]
    queryset = Enterprise.objects.none()  # for the model permission check

    @extend_schema(
        operation_id="enterprises_export",
        parameters=[
            OpenApiParameter(
                "fmt",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=list(WRITERS),
                description="File format. ফাইলের ধরন।",
            ),
            *docs.FILTER_PARAMETERS,
        ],
        responses={
            (200, writer.media_type.split(";")[0]): OpenApiTypes.BINARY for writer in WRITERS.values()
        },
        description=(
            "All enterprises matching the filters as CSV (UTF-8 with BOM, lon/lat columns), XLSX, GeoJSON "
            "or GeoPackage (layer enterprises, EPSG:4326). Owner names, phones and NIDs only with the "
            "view_personal permission. An Excel sheet holds 1,048,576 rows (the header and 1,048,575 "
            "enterprises): past that XLSX rows continue on sheets 'enterprises (2)'…, a last sheet 'notes' "
            "says so, and the X-Export-Rows and X-Export-Sheets headers give the rows and data sheets. "
            "ফিল্টার করা সব প্রতিষ্ঠান ফাইল হিসেবে। এক্সেলের একটি শিটে ১,০৪৮,৫৭৬টি সারি (শিরোনাম ও "
            "১,০৪৮,৫৭৫টি প্রতিষ্ঠান) ধরে: এর বেশি হলে XLSX-এর বাকি সারি 'enterprises (2)'… শিটে চলে, আর "
            "শেষের 'notes' শিটে তা লেখা থাকে।"
        ),
    )
    def get(self, request, fmt: str):
        writer = WRITERS.get(fmt)
        if writer is None:
            raise NotFound(f"No export as {fmt}. Formats: {', '.join(WRITERS)}.")
        params = request.query_params
        queryset = enterprise_list(params=params)
        slot = export_slot_take(request)
        try:
            response = writer().export(
                queryset, columns=enterprise_columns(user=request.user), by_distance=bool(params.get("near"))
            )
        except BaseException:
            slot.release()
            raise
        # Held until the response is closed: while the client reads, the export holds its connection.
        response.streaming_content = ReleasingContent(response.streaming_content, slot.release)
        response["Content-Disposition"] = content_disposition(
            export_filename(params, fmt=fmt, now=timezone.now())
        )
        return response
