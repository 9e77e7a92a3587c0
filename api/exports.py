"""Exports of any filtered query: CSV, XLSX, GeoJSON, GeoPackage. (Being written: see issue 4.)"""

from rest_framework.exceptions import NotFound
from rest_framework.views import APIView


class EnterpriseExport(APIView):
    def get(self, request, fmt: str):
        raise NotFound(f"Export as {fmt} is not available yet.")
