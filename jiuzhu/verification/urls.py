from django.urls import path

from . import import_views, views

app_name = "verification"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_start, name="start"),
    path("new/<int:household_pk>/", views.request_create, name="create"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/sources/", views.request_sources, name="sources"),
    path("<int:pk>/run/", views.request_run, name="run"),
    path("<int:pk>/print/", views.request_print, name="print"),
    path("<int:pk>/authorisation/", views.authorisation_download, name="authorisation"),
    path("findings/<int:pk>/decide/", views.finding_decide, name="decide"),
    path("imports/", import_views.import_page, name="imports"),
    path("imports/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:pk>/<str:action>/", import_views.import_decide, name="import_decide"),
    path("imports/template/<str:source>.csv", import_views.import_template,
         name="import_template"),
]
