from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    path("", views.archive_list, name="list"),
    path("<int:pk>/", views.package_detail, name="detail"),
    path("<int:pk>/download/", views.package_download, name="download"),
    path("<int:pk>/check/", views.package_check, name="check"),
    path("case/<str:kind>/<int:case_id>/", views.case_archive, name="case"),
]
