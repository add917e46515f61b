"""材料设置: the administrator's page of the county's rule per material —须上传扫描件, or
原件核验即可 (the default). Each change is one call of ``materials.material_setting_set``
(audited); the window's checklist and the acceptance check read the same rows."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from jiuzhu.core.errors import ServiceError
from jiuzhu.regions.models import Region

from .materials import catalogue_materials, material_setting_set
from .models import MaterialSetting

PERMISSION = "applications.edit_material_settings"


def _counties(user: object) -> list[Region]:
    return list(Region.objects.visible_to(user).filter(level="county").order_by("code"))


@login_required
def material_settings(request: HttpRequest) -> HttpResponse:
    """GET: every material named by an item in force, with the items naming it and whether
    the county wants it scanned; POST ``material`` + ``scan_required`` changes one."""
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied(_("只有系统管理员可以修改材料设置"))
    counties = _counties(request.user)
    wanted = request.POST.get("county") or request.GET.get("county") or ""
    county = next((c for c in counties if c.code == wanted), counties[0] if counties else None)
    if county is None:
        raise Http404(_("县（市、区）不存在"))
    if request.method == "POST":
        try:
            row = material_setting_set(actor=request.user, county=county,
                                       material=request.POST.get("material", ""),
                                       scan_required=request.POST.get("scan_required") == "1")
        except ServiceError as error:
            if error.status == 403:
                raise PermissionDenied(error.message) from None
            messages.error(request, "；".join([error.message, *(str(e.get("message", ""))
                                                               for e in error.errors)]))
        else:
            messages.success(request, _("已保存：%(material)s %(rule)s") % {
                "material": row.material,
                "rule": _("须上传扫描件") if row.scan_required else _("原件核验即可")})
        return redirect(f"{reverse('applications:material_settings')}?county={county.code}")
    settings = {s.material: s for s in MaterialSetting.objects.visible_to(request.user)
                .filter(region=county).select_related("updated_by")}
    rows = [{"material": name, "items": codes, "setting": settings.get(name)}
            for name, codes in catalogue_materials()]
    return render(request, "applications/material_settings.html", {
        "county": county, "counties": counties, "rows": rows})
