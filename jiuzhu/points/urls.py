from django.urls import path

from . import views

app_name = "points"

urlpatterns = [
    path("", views.accounts, name="accounts"),
    path("accounts/<int:pk>/", views.account, name="account"),
    path("supermarket/", views.supermarket, name="supermarket"),
    path("statement/", views.statement, name="statement"),
]
