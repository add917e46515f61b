from django.urls import path

from . import views

app_name = "leads"

urlpatterns = [
    path("", views.lead_list, name="list"),
    path("new/", views.lead_create, name="create"),
    path("export.xlsx", views.lead_export, name="export"),
    path("<int:pk>/", views.lead_detail, name="detail"),
    path("<int:pk>/convert/", views.lead_convert, name="convert"),
    path("<int:pk>/close/", views.lead_close, name="close"),
    path("visits/", views.my_tasks, name="my_tasks"),
    path("visits/<int:pk>/", views.visit, name="visit"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("grids/", views.grid_list, name="grids"),
    path("grids/<str:code>/", views.grid_detail, name="grid"),
    path("grid-assignments/<int:pk>/remove/", views.grid_unassign, name="unassign"),
]
