from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("reviews/", views.review_list, name="reviews"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("reviews/<int:pk>/statement/", views.review_statement, name="review_statement"),
    path("tipoffs/", views.tipoff_list, name="tipoffs"),
    path("tipoffs/<int:pk>/", views.tipoff_detail, name="tipoff"),
    path("tipoffs/<int:pk>/<str:action>/", views.tipoff_act, name="tipoff_act"),
]
