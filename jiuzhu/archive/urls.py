from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    path("", views.archive_list, name="list"),
    path("<int:pk>/", views.package_detail, name="detail"),
    path("<int:pk>/download/", views.package_download, name="download"),
    path("<int:pk>/check/", views.package_check, name="check"),
    # a case's packages (one route per kind of case, the case's id first)
    path("application/<int:case_id>/", views.case_archive, {"kind": "application"},
         name="application"),
    path("emergency/<int:case_id>/", views.case_archive, {"kind": "emergency"},
         name="emergency"),
]
