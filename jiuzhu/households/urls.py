from django.http import HttpResponse
from django.urls import path

app_name = "households"
urlpatterns = [path("", lambda request: HttpResponse("TODO"), name="list")]
