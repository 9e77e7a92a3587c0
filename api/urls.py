"""The URL confs of the API: the REST API at /api/ (``urlpatterns``), OGC API – Features at /ogc/ and the
vector tiles at /tiles/, each included by geodb.urls under its own namespace."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import exports, places, quality, registrations, root, stats, tiles, views
from . import history as history_views
from .ogc import views as ogc

app_name = "api"

urlpatterns = [
    path("v1/", root.ApiRoot.as_view(), name="root"),
    path("v1/enterprises/", views.EnterpriseList.as_view(), name="enterprise-list"),
    path("v1/enterprises/<int:pk>/", views.EnterpriseDetail.as_view(), name="enterprise-detail"),
    path(
        "v1/enterprises/<int:pk>/history/",
        history_views.EnterpriseHistory.as_view(),
        name="enterprise-history",
    ),
    path("v1/enterprises/export.<str:fmt>", exports.EnterpriseExport.as_view(), name="enterprise-export"),
    path("v1/divisions/", views.AdminUnitList.as_view(level="division"), name="division-list"),
    path("v1/districts/", views.AdminUnitList.as_view(level="district"), name="district-list"),
    path("v1/upazilas/", views.AdminUnitList.as_view(level="upazila"), name="upazila-list"),
    path("v1/stats/", stats.EnterpriseStats.as_view(), name="stats"),
    path("v1/places/", places.PlaceList.as_view(), name="place-list"),
    path("v1/quality/", quality.QualityList.as_view(), name="quality-list"),
    path("v1/registrations/", registrations.RegistrationList.as_view(), name="registration-list"),
    path("v1/registrations/counts/", registrations.RegistrationCounts.as_view(), name="registration-counts"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]

# GDAL and QGIS build URLs without a trailing slash, browsers and people add one: both are served.
ogc_urlpatterns = [
    re_path(r"^$", ogc.LandingPage.as_view(), name="landing"),
    re_path(r"^conformance/?$", ogc.Conformance.as_view(), name="conformance"),
    re_path(r"^api/?$", ogc.APIDefinition.as_view(), name="api"),
    re_path(r"^collections/?$", ogc.CollectionList.as_view(), name="collections"),
    re_path(r"^collections/(?P<collection_id>[\w-]+)/?$", ogc.CollectionDetail.as_view(), name="collection"),
    re_path(r"^collections/(?P<collection_id>[\w-]+)/items/?$", ogc.Items.as_view(), name="items"),
    re_path(
        r"^collections/(?P<collection_id>[\w-]+)/queryables/?$", ogc.Queryables.as_view(), name="queryables"
    ),
    re_path(
        r"^collections/(?P<collection_id>[\w-]+)/items/(?P<feature_id>[^/]+)/?$",
        ogc.Item.as_view(),
        name="item",
    ),
]

tile_urlpatterns = [
    path("enterprises/<int:z>/<int:x>/<int:y>.pbf", tiles.EnterpriseTile.as_view(), name="enterprises"),
]
