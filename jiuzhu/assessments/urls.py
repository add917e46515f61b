from django.urls import path

from . import views, views_items

app_name = "assessments"
urlpatterns = [
    path("ranking/", views.ranking_view, name="ranking"),
    path("prescriptions/", views.prescription_report_view, name="prescription_report"),
    path("item-condition-preview/", views_items.condition_preview_view, name="condition_preview"),
    path("batches/", views.batches, name="batches"),
    path("batches/<int:pk>/", views.batch, name="batch"),
    path("batches/<int:pk>/resume/", views.batch_resume, name="batch_resume"),
    path("household/<int:pk>/", views.panel, name="panel"),
    path("household/<int:pk>/prescription/", views.prescription_view, name="prescription"),
    path("household/<int:pk>/what-if/", views.what_if, name="what_if"),
    path("household/<int:pk>/reproduce/<int:assessment_pk>/", views.reproduce, name="reproduce"),
]
