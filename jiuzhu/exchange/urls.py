from django.http import HttpResponse
from django.urls import path

app_name = "exchange"
urlpatterns = [path("import/", lambda request: HttpResponse("TODO"), name="import")]
