from django.urls import path

from . import views

app_name = "funds"

urlpatterns = [
    path("", views.fund_list, name="list"),
    path("<int:pk>/", views.fund_detail, name="detail"),
    path("<int:pk>/statement/", views.fund_statement, name="statement"),
    path("entries/<int:pk>/acknowledgement.pdf", views.acknowledgement, name="acknowledgement"),
    path("replenishments/", views.replenishments, name="replenishments"),
]
