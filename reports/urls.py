from django.urls import path

from reports.views import budget, city, figures, locks, plans, reports, tasks

app_name = "reports"

urlpatterns = [
    path("", reports.report_list, name="index"),
    path("<int:pk>/", reports.report_detail, name="report_detail"),
    path("<int:pk>/download/", reports.report_download, name="report_download"),
    path("<int:pk>/issue/", reports.report_issue, name="report_issue"),
    path("<int:pk>/rebuild/", reports.report_rebuild, name="report_rebuild"),
    path("<int:pk>/delete/", reports.report_delete, name="report_delete"),
    path("<int:pk>/return/", city.report_return, name="report_return"),
    path("city/", city.city_submissions, name="city"),
    path("city/report/", city.city_report_request, name="city_report"),
    path("locks/", locks.year_locks, name="locks"),
    path("locks/<int:year>/unlock/", locks.year_unlock, name="unlock"),
    path("kpi/officers/", figures.officers, name="officers"),
    path("kpi/<slug:figure>/", figures.figure_list, name="figure"),
    path("budget/", budget.budget, name="budget"),
    path("budget/lines/", budget.budget_lines, name="budget_lines"),
    path("plans/", plans.plan_list, name="plans"),
    path("plans/new/", plans.plan_edit, name="plan_create"),
    path("plans/<int:pk>/edit/", plans.plan_edit, name="plan_edit"),
    path("tasks/", tasks.tasks, name="tasks"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task_detail"),
    path("tasks/files/<int:pk>/", tasks.task_report_file, name="task_report_file"),
]
