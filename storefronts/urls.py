from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import views
from .sitemaps import StorefrontSitemap

app_name = "storefronts"

urlpatterns = [
    path("e/photos/<int:storefront_id>/<str:file>", views.photo, name="photo"),
    path("e/<slug:slug>/", views.page, name="page"),
    path("e/<slug:slug>/edit/", views.edit, name="edit"),
    path("e/<slug:slug>/logo/", views.logo, name="logo"),
    path("e/<slug:slug>/products/new/", views.product_edit, name="product_add"),
    path("e/<slug:slug>/products/<int:pk>/", views.product_edit, name="product_edit"),
    path("e/<slug:slug>/products/<int:pk>/delete/", views.product_delete, name="product_delete"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"enterprises": StorefrontSitemap}},
        name="sitemap",
    ),
]
