from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = _("Data quality")

    def ready(self):
        from industries.data_version import data_changed

        from .tasks import quality_checks_soon

        data_changed.connect(quality_checks_soon, dispatch_uid="quality.quality_checks_soon")
