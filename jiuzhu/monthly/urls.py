from django.urls import path

from . import views

app_name = "monthly"

urlpatterns = [
    path("", views.report, name="report"),
    path("close/", views.close, name="close"),
    path("recompute/", views.recompute, name="recompute"),
]
