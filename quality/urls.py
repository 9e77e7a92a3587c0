"""The data-quality page for staff, at /quality/."""

from django.urls import path

from . import views

app_name = "quality"

urlpatterns = [
    path("quality/", views.quality_page, name="page"),
    path("quality/export.xlsx", views.export, name="export"),
    path("quality/review/", views.review, name="review"),
    path("quality/run/", views.run_now, name="run"),
    path("quality/merge/", views.merge, name="merge"),
    path("quality/merge/<int:pk>/undo/", views.undo_merge, name="undo_merge"),
]
