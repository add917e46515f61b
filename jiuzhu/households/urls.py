from django.urls import path

from . import views

app_name = "households"
urlpatterns = [
    path("", views.household_list, name="list"),
    path("new/", views.household_create, name="create"),
    path("<int:pk>/", views.household_detail, name="detail"),
    path("<int:pk>/edit/", views.household_edit, name="edit"),
    path("<int:pk>/deactivate/", views.household_deactivate_view, name="deactivate"),
    path("<int:pk>/grid/", views.household_grid_view, name="grid"),
    path("<int:pk>/reveal/", views.household_reveal, name="reveal"),
    path("<int:pk>/files/<int:file_pk>/", views.household_file, name="file"),
]
