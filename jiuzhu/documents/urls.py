from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("<int:pk>/download/", views.document_download, name="download"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<str:code>/preview/", views.template_preview, name="template_preview"),
]
