from django.urls import path

from . import views

app_name = "emergency"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("duty/", views.duty, name="duty"),
    path("overdue/", views.overdue, name="overdue"),
    path("new/", views.report, name="new"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/actions/<str:action>/", views.case_action, name="act"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("signatures/<int:pk>/", views.receipt_signature, name="signature"),
]
