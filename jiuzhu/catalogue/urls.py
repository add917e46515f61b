from django.urls import path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("admin/", views.admin_list, name="admin"),
    path("admin/items/new/", views.admin_new, name="admin_new"),
    path("admin/items/<str:code>/", views.admin_item, name="admin_item"),
    path("admin/items/<str:code>/retire/", views.admin_retire, name="admin_retire"),
    path("admin/departments/", views.admin_departments, name="departments"),
    path("admin/export.xlsx", views.admin_export, name="export"),
    path("admin/import/", views.admin_import, name="import"),
    path("handbook/", views.handbook, name="handbook"),
    path("handbook/print/", views.handbook_print, name="handbook_print"),
    path("handbook/handbook.pdf", views.handbook_pdf, name="handbook_pdf"),
    path("handbook/<str:code>/", views.handbook_item, name="handbook_item"),
]
