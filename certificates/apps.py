from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Registration certificates")

    def ready(self):
        from registrations.signals import application_registered

        from .tasks import on_registered

        application_registered.connect(on_registered, dispatch_uid="certificates.issue")
