from django.urls import path

from reports import dashboard, views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
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
