from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StorefrontsConfig(AppConfig):
    name = "storefronts"
    verbose_name = _("Enterprise pages")

    def ready(self):
        from registrations.signals import application_registered

        from .services import on_registered

        application_registered.connect(on_registered, dispatch_uid="storefronts.create")
