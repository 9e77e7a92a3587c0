from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("verify/", views.lookup, name="lookup"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("certificates/<int:pk>/certificate.pdf", views.download, name="download"),
    path("certificates/<int:pk>/status/", views.decide, name="decide"),
]
