from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("template.xlsx", views.template_download, name="template"),
    path("import/", views.import_page, name="import"),
    path("import/<int:pk>/", views.job_detail, name="job"),
    path("import/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("import/<int:pk>/restart/", views.job_restart, name="job_restart"),
    path("import/<int:pk>/errors.xlsx", views.job_errors, name="job_errors"),
    path("export/", views.export, name="export"),
]
