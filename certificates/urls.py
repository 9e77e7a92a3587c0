from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("<str:token>/", views.verify, name="verify"),
]
