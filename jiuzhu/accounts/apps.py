from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jiuzhu.accounts"
    verbose_name = "账户与角色"

    def ready(self) -> None:
        # django-otp's admin pages show a TOTP device's secret (and its QR code): nobody,
        # administrators included, sees another user's second factor. A lost phone is
        # `jiuzhu twofactor reset --user NAME`.
        from django.contrib import admin
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        for model in (TOTPDevice, StaticDevice):
            if admin.site.is_registered(model):
                admin.site.unregister(model)
        # The admin signs in through the one sign-in page (delays, second factor, audit),
        # never its own form.
        admin.site.login = _admin_login  # type: ignore[method-assign]


def _admin_login(request, extra_context=None):
    from django.contrib.auth.views import redirect_to_login

    return redirect_to_login(request.GET.get("next") or "/admin/", "accounts:login")
