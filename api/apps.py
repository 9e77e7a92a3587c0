from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("REST API")

    def ready(self):
        from industries.data_version import data_changed

        from .tasks import map_statistics_soon

        data_changed.connect(map_statistics_soon, dispatch_uid="api.map_statistics_soon")
