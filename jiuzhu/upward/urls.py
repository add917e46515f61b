from django.urls import path

from . import views

app_name = "upward"

urlpatterns = [
    path("", views.index, name="index"),
    path("produce/", views.produce, name="produce"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/download/", views.download, name="download"),
]
