from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EkshopConfig(AppConfig):
    name = "ekshop"
    verbose_name = _("ekShop")
