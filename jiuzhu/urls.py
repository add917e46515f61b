from django.contrib import admin
from django.urls import include, path

from jiuzhu.api import api

urlpatterns = [
    path("", include("jiuzhu.portal.urls")),
    path("", include("jiuzhu.core.urls")),
    path("accounts/", include("jiuzhu.accounts.urls")),
    path("households/", include("jiuzhu.households.urls")),
    path("exchange/", include("jiuzhu.exchange.urls")),
    path("assessments/", include("jiuzhu.assessments.urls")),
    path("audit/", include("jiuzhu.audit.urls")),
    path("calendar/", include("jiuzhu.calendars.urls")),
    path("documents/", include("jiuzhu.documents.urls")),
    path("verification/", include("jiuzhu.verification.urls")),
    path("applications/", include("jiuzhu.applications.urls")),
    path("notice/", include("jiuzhu.applications.public_urls")),
    path("payments/", include("jiuzhu.payments.urls")),
    path("supervision/", include("jiuzhu.supervision.urls")),
    path("catalogue/", include("jiuzhu.catalogue.urls")),
    path("intake/", include("jiuzhu.intake.urls")),
    path("leads/", include("jiuzhu.leads.urls")),
    path("funds/", include("jiuzhu.funds.urls")),
    path("emergency/", include("jiuzhu.emergency.urls")),
    path("stations/", include("jiuzhu.stations.urls")),
    path("points/", include("jiuzhu.points.urls")),
    path("contracts/", include("jiuzhu.contracts.urls")),
    path("xingfu/", include("jiuzhu.xingfu.urls")),
    path("socialwork/", include("jiuzhu.socialwork.urls")),
    path("recertify/", include("jiuzhu.recertify.urls")),
    path("policy/", include("jiuzhu.policy.urls")),
    path("self/", include("jiuzhu.selfservice.urls")),
    path("dashboard/", include("jiuzhu.monitoring.urls")),
    path("monthly/", include("jiuzhu.monthly.urls")),
    path("upward/", include("jiuzhu.upward.urls")),
    path("archive/", include("jiuzhu.archive.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# The API answers a path no route matches with its JSON error body (jiuzhu/api.py).
handler404 = "jiuzhu.api.page_not_found"
