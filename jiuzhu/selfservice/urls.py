from django.urls import path

from . import confirm, views

app_name = "selfservice"

urlpatterns = [
    path("", views.identity, name="identity"),
    path("apply/household/", views.household, name="household"),
    path("apply/items/", views.items, name="items"),
    path("apply/uploads/", views.uploads, name="uploads"),
    path("apply/review/", views.review, name="review"),
    path("apply/done/", views.done, name="done"),
    path("apply/restart/", views.restart, name="restart"),
    path("track/", views.track, name="track"),
    path("check/", views.check, name="check"),
    path("check/apply/", views.check_apply, name="check_apply"),
    path("elder/", views.elder, name="elder"),
    path("confirm/", confirm.confirm_start, name="confirm"),
    path("confirm/form/", confirm.confirm_form, name="confirm_form"),
    path("confirm/done/", confirm.confirm_done, name="confirm_done"),
]
