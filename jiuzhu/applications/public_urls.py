"""Public pages (no login): the notice boards (公示) — every township, and each one's."""

from django.urls import path

from . import views

app_name = "notice"
urlpatterns = [
    path("", views.public_notice_index, name="index"),
    path("<str:township_code>/", views.public_notice, name="township"),
]
