from django.contrib import admin
from django.urls import include, path

from api.ogc.views import LandingPage
from api.urls import ogc_urlpatterns, tile_urlpatterns

from . import views

admin.site.site_header = "BSCIC industry GIS · বিসিক শিল্প জিআইএস"
admin.site.site_title = "BSCIC industry GIS"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the Bangla/English switch
    path("api/", include("api.urls")),
    # The landing page without its slash too, as GIS clients are given it (no redirect to follow).
    path("ogc", LandingPage.as_view()),
    path("ogc/", include((ogc_urlpatterns, "ogc"))),
    path("tiles/", include((tile_urlpatterns, "tiles"))),
    path("payments/", include("payments.urls")),
    path("about/data/", views.about_data, name="about-data"),
    path("", include("quality.urls")),
    path("", include("certificates.urls")),
    path("", include("storefronts.urls")),
    path("", include("ekshop.urls")),
    path("", include("registrations.urls")),
    path("", include("maps.urls")),
]
