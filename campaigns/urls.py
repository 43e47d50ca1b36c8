from django.urls import path

from campaigns import document_views, model_views, views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="index"),
    path("new/", views.campaign_create, name="create"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/delete/", views.campaign_delete, name="delete"),
    path("<int:pk>/attendance/", views.attendance_add, name="attendance_add"),
    path("<int:pk>/attendance/<int:attendance_id>/people/", views.attendance_people,
         name="attendance_people"),
    path("<int:pk>/attendance/<int:attendance_id>/remove/", views.attendance_remove,
         name="attendance_remove"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment_download,
         name="attachment_download"),
    path("<int:pk>/attachments/<int:attachment_id>/delete/", views.attachment_delete,
         name="attachment_delete"),
    path("<int:pk>/funding/", views.funding_add, name="funding_add"),
    path("funding/<int:line_id>/delete/", views.funding_delete, name="funding_delete"),
    path("models/", model_views.model_list, name="models"),
    path("models/new/", model_views.model_create, name="model_create"),
    path("models/<int:pk>/", model_views.model_detail, name="model_detail"),
    path("models/<int:pk>/edit/", model_views.model_edit, name="model_edit"),
    path("models/<int:pk>/move/", model_views.model_move, name="model_move"),
    path("models/<int:pk>/funding/", model_views.model_funding_add, name="model_funding_add"),
    path("documents/", document_views.document_list, name="documents"),
    path("documents/new/", document_views.document_upload, name="document_upload"),
    path("documents/<int:pk>/download/", document_views.document_download,
         name="document_download"),
    path("documents/<int:pk>/delete/", document_views.document_delete, name="document_delete"),
]
