from django.urls import path

from . import views

app_name = "ekshop"

urlpatterns = [
    path("ekshop/products.xlsx", views.products_xlsx, name="products_xlsx"),
    path("e/<slug:slug>/ekshop/", views.enterprise_page, name="enterprise"),
    path("e/<slug:slug>/ekshop.xlsx", views.enterprise_xlsx, name="enterprise_xlsx"),
    path("feeds/products.xml", views.merchant_xml, name="merchant_xml"),
    path("feeds/products.csv", views.merchant_csv, name="merchant_csv"),
    path("feeds/products.tsv", views.merchant_tsv, name="merchant_tsv"),
]
