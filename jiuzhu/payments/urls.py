from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("payroll/", views.payroll, name="payroll"),
    path("payroll/<int:pk>/confirm/", views.payroll_confirm_view, name="payroll_confirm"),
    path("payroll/<int:pk>/download/", views.payroll_download, name="payroll_download"),
    path("account/<int:household_pk>/", views.account, name="account"),
]
