from .context import RequestContext, client_ip, current_request


class AuditContextMiddleware:
    """Keeps the request's address, client and path for audit rows written deep inside
    services, and records denied access: every 403, and every object refused by a
    visibility check during the request (``audit_denied``), once the response is made."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(RequestContext(
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            path=request.path[:300],
            method=request.method or "",
        ))
        try:
            response = self.get_response(request)
            ctx = current_request.get()
            if response.status_code == 403 or (ctx is not None and ctx.denials):
                from .services import flush_denials

                flush_denials(request, response)
            return response
        finally:
            current_request.reset(token)
