from django.urls import path

from reports import dashboard, report_views, views

app_name = "reports"

urlpatterns = [
    path("", report_views.report_list, name="index"),
    path("<int:pk>/", report_views.report_detail, name="report_detail"),
    path("<int:pk>/download/", report_views.report_download, name="report_download"),
    path("<int:pk>/issue/", report_views.report_issue, name="report_issue"),
    path("<int:pk>/rebuild/", report_views.report_rebuild, name="report_rebuild"),
    path("<int:pk>/delete/", report_views.report_delete, name="report_delete"),
    path("locks/", report_views.year_locks, name="locks"),
    path("kpi/officers/", dashboard.officers, name="officers"),
    path("kpi/<slug:figure>/", dashboard.figure_list, name="figure"),
    path("budget/", views.budget, name="budget"),
    path("budget/lines/", views.budget_lines, name="budget_lines"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_edit, name="plan_create"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/files/<int:pk>/", views.task_report_file, name="task_report_file"),
]
