"""Counts, workers and investment grouped by area, size, sector, kind or year. (Being written: issue 4.)"""

from rest_framework.exceptions import NotFound
from rest_framework.views import APIView


class EnterpriseStats(APIView):
    def get(self, request):
        raise NotFound("Statistics are not available yet.")
