from django.urls import path

from audits import enterprise_views, invitation_views, request_views, views

app_name = "audits"

urlpatterns = [
    path("", views.index, name="index"),
    path("records/<int:pk>/", views.record_detail, name="record_detail"),
    path("records/<int:pk>/edit/", views.record_edit, name="record_edit"),
    path("records/<int:pk>/verify/", views.record_verify, name="record_verify"),
    path("records/<int:pk>/delete/", views.record_delete, name="record_delete"),
    path("facilities/<int:facility_pk>/records/new/", views.record_create, name="record_create"),
    path("facilities/<int:facility_pk>/measures/new/", views.measure_create,
         name="measure_create"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/delete/", views.measure_delete, name="measure_delete"),
    path("quality/", views.quality_list, name="quality"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("enterprise/", enterprise_views.home, name="enterprise"),
    path("requests/", request_views.request_list, name="requests"),
    path("requests/new/", request_views.request_create, name="request_create"),
    path("requests/<int:pk>/", request_views.request_detail, name="request_detail"),
    path("requests/<int:pk>/letters/", invitation_views.request_letters,
         name="request_letters"),
    path("requests/<int:pk>/communes-review/", request_views.request_communes_review,
         name="request_communes_review"),
    path("submissions/<int:pk>/", enterprise_views.submission_fill, name="submission_fill"),
    path("submissions/<int:pk>/upload/", enterprise_views.submission_upload_view,
         name="submission_upload"),
    path("submissions/<int:pk>/template/", enterprise_views.submission_template,
         name="submission_template"),
    path("submissions/<int:pk>/review/", enterprise_views.submission_review,
         name="submission_review"),
]
