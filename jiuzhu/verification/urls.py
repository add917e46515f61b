from django.urls import path

from . import views

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
]
