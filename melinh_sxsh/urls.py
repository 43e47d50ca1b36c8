from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from audits.invitation_views import activate
from melinh_sxsh.views import healthz
from reports.views.dashboard import dashboard

admin.site.site_header = _("Mê Linh cleaner-production portal")
admin.site.site_title = _("SXSH Mê Linh")
admin.site.index_title = _("System administration")

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("healthz", healthz, name="healthz"),
    # Short, to be typed from a printed letter.
    path("activate/", activate, name="activate"),
    path("accounts/", include("accounts.urls")),
    path("facilities/", include("facilities.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("audits/", include("audits.urls")),
    path("reports/", include("reports.urls")),
    path("public/", include("public.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
