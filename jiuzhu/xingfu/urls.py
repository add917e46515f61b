from django.urls import path

from . import views

app_name = "xingfu"

urlpatterns = [
    path("", views.needs, name="needs"),
    path("needs/<int:pk>/", views.need, name="need"),
    path("post/", views.post_need, name="post"),
    path("providers/", views.providers, name="providers"),
    path("offers/", views.my_offers, name="my_offers"),
    path("offers/<int:pk>/answer/", views.answer, name="answer"),
    path("orders/<int:pk>/", views.order, name="order"),
    path("confirm/", views.confirm, name="confirm"),
]
