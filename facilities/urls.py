from django.urls import path

from facilities import import_views, views

app_name = "facilities"

urlpatterns = [
    path("", views.facility_list, name="list"),
    path("export/", views.facility_export_xlsx, name="export"),
    path("new/", views.facility_create, name="create"),
    path("status/bulk/", views.status_bulk, name="status_bulk"),
    path("<int:pk>/", views.facility_detail, name="detail"),
    path("<int:pk>/edit/", views.facility_edit, name="edit"),
    path("<int:pk>/delete/", views.facility_delete, name="delete"),
    path("<int:pk>/status/", views.status_update, name="status_update"),
    path("<int:pk>/status/lower/", views.status_lower, name="status_lower"),
    path("import/", import_views.import_start, name="import"),
    path("import/template/<slug:kind>/", import_views.import_template, name="import_template"),
    path("import/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("import/<int:pk>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/cancel/", import_views.import_cancel, name="import_cancel"),
]
