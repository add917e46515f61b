"""预览事项条件 (issue #16 item 5): the fragment the catalogue's item page asks with htmx —
which households of the administrator's region an item's condition would recommend, and
why. Nothing is stored."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from jiuzhu.core.errors import ServiceError, refuse_page

from .item_conditions import PREVIEW_ROWS, condition_preview


@login_required
@require_POST
def condition_preview_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("assessments.preview_condition"):
        raise PermissionDenied
    try:
        preview = condition_preview(
            actor=request.user, code=request.POST.get("code", "").strip().upper(),
            eligible=request.POST.get("condition_eligible", ""),
            possible=request.POST.get("condition_possible", ""))
    except ServiceError as error:
        refuse_page(error)
        raise
    return render(request, "assessments/_condition_preview.html",
                  {"preview": preview, "cap": PREVIEW_ROWS},
                  )  # 200 with the errors too: htmx swaps only 2xx answers
