from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.request_create_view, name="create"),
    path("new/from-prescription/", views.request_from_prescription, name="from_prescription"),
    path("households/", views.household_search, name="household_search"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/receipt/", views.receipt, name="receipt"),
    path("<int:pk>/files/<int:file_pk>/", views.request_file, name="file"),
    path("<int:pk>/take/", views.take, name="take"),
    path("inbox/", views.inbox, name="inbox"),
    path("items/<int:pk>/actions/<str:action>/", views.act, name="act"),
    path("items/<int:pk>/urge/", views.urge_view, name="urge"),
    path("urges/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("overdue/", views.overdue, name="overdue"),
    path("track/", views.track, name="track"),
]
