from django.urls import path

from . import views, views_field, views_materials, views_signing

app_name = "applications"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("new/", views.application_create_view, name="create"),
    path("overdue/", views.overdue_notice, name="overdue"),
    path("materials/", views_materials.material_settings, name="material_settings"),
    path("investigations/", views.my_investigations, name="my_investigations"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/actions/<str:action>/", views.application_action, name="act"),
    path("<int:pk>/investigate/", views.investigate, name="investigate"),
    path("<int:pk>/investigate/submit/", views_field.investigate_submit, name="investigate_submit"),
    path("investigations/sw.js", views_field.service_worker, name="service_worker"),
    path("<int:pk>/sign/", views_signing.sign_page, name="sign"),
    path("<int:pk>/sign/member/", views_signing.sign_member, name="sign_member"),
    path("<int:pk>/sign/complete/", views_signing.sign_complete, name="sign_complete"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_file, name="attachment"),
]
