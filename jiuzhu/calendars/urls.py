from django.urls import path

from . import views

app_name = "calendars"
urlpatterns = [
    path("", views.calendar_month_page, name="month"),
    path("<int:year>/<int:month>/", views.calendar_month_page, name="month"),
    path("days/", views.calendar_days_page, name="days"),
    path("days/reset/", views.calendar_day_reset_page, name="day_reset"),
]
