from django.contrib.auth.decorators import login_required
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.otp_verify_view, name="otp_verify"),
    path("second-factor/", views.otp_enrol_view, name="otp_enrol"),
    path("second-factor/recovery-codes/", views.otp_recovery_codes_view, name="otp_recovery_codes"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", login_required(views.PasswordChangeView.as_view()), name="password_change"),
]
