"""Public pages (no login): the notice board of a township (公示)."""

from django.urls import path

from . import views

app_name = "notice"
urlpatterns = [
    path("<str:township_code>/", views.public_notice, name="township"),
]
