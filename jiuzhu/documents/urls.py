from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("<int:pk>/download/", views.document_download, name="download"),
    path("<int:pk>/rerender/", views.document_rerender_view, name="rerender"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<str:code>/preview/", views.template_preview, name="template_preview"),
]
