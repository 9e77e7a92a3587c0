from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import exports, places, registrations, root, stats, views
from . import history as history_views

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
    path("v1/registrations/", registrations.RegistrationList.as_view(), name="registration-list"),
    path("v1/registrations/counts/", registrations.RegistrationCounts.as_view(), name="registration-counts"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
