from django.urls import path

from . import views

app_name = "recertify"
urlpatterns = [
    path("", views.confirmation_list, name="list"),
    path("settings/", views.setting_list, name="settings"),
    path("settings/<int:pk>/", views.setting_edit, name="setting"),
    path("<int:pk>/", views.confirmation_detail, name="detail"),
    path("<int:pk>/photo/", views.photo, name="photo"),
    path("<int:pk>/<str:action>/", views.confirmation_act, name="act"),
]
