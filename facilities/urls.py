from django.urls import path

from facilities import views

app_name = "facilities"

urlpatterns = [
    path("", views.facility_list, name="list"),
]
