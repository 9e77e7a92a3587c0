"""The pages of e-Registration: accounts, application, the offices' review, tracking, figures."""

from django.urls import include, path

from .views import accounts, apply, office, public, track

app_name = "registrations"

urlpatterns = [
    path("accounts/", include(accounts.urlpatterns)),
    path("apply/", include(apply.urlpatterns)),
    path("office/", include(office.urlpatterns)),
    path("track/", include(track.urlpatterns)),
    path("registrations/", include(public.urlpatterns)),
]
