from django.urls import path

from . import views

app_name = "contracts"

urlpatterns = [
    path("", views.contract_list, name="list"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("follow/", views.follow, name="follow"),
    path("investigations/<int:pk>/", views.investigation, name="investigation"),
    path("settlements/<int:pk>/", views.settlement, name="settlement"),
]
