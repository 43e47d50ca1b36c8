"""The import page: template download, upload, the progress of the check, preview, confirm."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from accounts.permissions import can, check
from facilities import selectors, services
from facilities.forms import ImportForm
from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.importing import REGISTRY, build_template, template_file_name
from melinh_sxsh.lib.xlsx import XLSX_CONTENT_TYPE


def _kinds(user: User) -> list[tuple[str, str]]:
    return [(kind, str(cls.title)) for kind, cls in REGISTRY.items() if can(user, cls.action)]


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    kinds = _kinds(request.user)
    if not kinds:
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, kinds=kinds,
                      initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(user=request.user, kind=form.cleaned_data["kind"],
                                              upload=form.cleaned_data["file"])
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            return redirect("facilities:import_detail", pk=job.pk)
    jobs = selectors.import_jobs_visible(request.user)[:10]
    return render(request, "facilities/import_start.html", {
        "form": form, "kinds": kinds, "jobs": jobs})


@login_required
@require_GET
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    importer = REGISTRY.get(kind)
    if importer is None:
        raise Http404
    check(request.user, importer.action)
    template = importer(user=request.user)
    response = HttpResponse(build_template(template), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{template_file_name(template)}"'
    return response


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_job_get(request.user, pk)
    template = "facilities/_import_status.html" if request.htmx else "facilities/import_detail.html"
    return render(request, template, {"job": job, "title": REGISTRY[job.kind].title})


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_job_get(request.user, pk)
    try:
        services.import_job_confirm(user=request.user, job=job)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("facilities:import_detail", pk=pk)


@login_required
@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_job_get(request.user, pk)
    try:
        services.import_job_cancel(user=request.user, job=job)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("facilities:import_detail", pk=pk)
