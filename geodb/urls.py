from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "BSCIC industry GIS · বিসিক শিল্প জিআইএস"
admin.site.site_title = "BSCIC industry GIS"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the Bangla/English switch
    path("api/", include("api.urls")),
    path("ogc/", include("api.ogc")),
    path("tiles/", include("api.tiles")),
    path("", include("maps.urls")),
]
