from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("list/", views.figure_list, name="list"),
    path("refresh/<int:pk>/", views.refresh_status, name="refresh_status"),
    path("<str:code>/", views.dashboard, name="region"),
    path("<str:code>/refresh/", views.refresh, name="refresh"),
    path("<str:code>/<str:chart>.xlsx", views.chart_xlsx, name="chart_xlsx"),
]
