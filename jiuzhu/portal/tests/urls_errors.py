"""The project's URLs plus two pages that fail, for the error-page tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from jiuzhu.urls import urlpatterns as project


def forbidden(request):
    raise PermissionDenied("只有调查员可以录入入户调查")


def broken(request):
    raise RuntimeError("boom")


urlpatterns = [*project, path("test-errors/403/", forbidden), path("test-errors/500/", broken)]
