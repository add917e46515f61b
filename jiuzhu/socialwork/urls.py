from django.urls import path

from . import views

app_name = "socialwork"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("candidates/", views.candidate_list, name="candidates"),
    path("open/", views.case_open, name="open"),
    path("mine/", views.my_cases, name="mine"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/visit/", views.visit_form, name="visit"),
    path("<int:pk>/actions/<str:action>/", views.case_act, name="act"),
]
