"""Before each request, the approved parameter sets another process may have approved
(``overlays.refresh_if_due``: at most every ``JIUZHU_PARAMETERS_CHECK_SECONDS``, one cheap
stamp query; a changed stamp installs them)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import overlays


class ParameterOverlays:
    """``settings.MIDDLEWARE``: ``jiuzhu.policy.middleware.ParameterOverlays``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        overlays.refresh_if_due()
        return self.get_response(request)
