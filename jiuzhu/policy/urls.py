from django.urls import path

from . import views

app_name = "policy"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("export/", views.export, name="export"),
    path("import/", views.import_view, name="import"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/export/", views.export_set, name="export_set"),
    path("<int:pk>/reassess/", views.reassess, name="reassess"),
    path("<int:pk>/<str:action>/", views.act, name="act"),
]
