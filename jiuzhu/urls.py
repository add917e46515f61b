from django.contrib import admin
from django.urls import include, path

from jiuzhu.api import api

urlpatterns = [
    path("", include("jiuzhu.core.urls")),
    path("accounts/", include("jiuzhu.accounts.urls")),
    path("households/", include("jiuzhu.households.urls")),
    path("exchange/", include("jiuzhu.exchange.urls")),
    path("assessments/", include("jiuzhu.assessments.urls")),
    path("audit/", include("jiuzhu.audit.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
