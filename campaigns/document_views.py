"""The documents library: handbooks, leaflets, radio scripts and slides."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import check, check_document, may_add_document
from campaigns import selectors, services
from campaigns.forms import DocumentForm
from campaigns.models import Document
from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.http import attachment_response


@login_required
@require_GET
def document_list(request: HttpRequest) -> HttpResponse:
    check(request.user, "campaign.view")
    kind = request.GET.get("kind", "")
    documents = selectors.document_list(
        request.user, kind=kind if kind in Document.Kind.values else "",
        q=request.GET.get("q", "")[:100])
    return render(request, "campaigns/document_list.html", {
        "page": Paginator(documents, 30).get_page(request.GET.get("page")),
        "kinds": Document.Kind.choices, "may_upload": may_add_document(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def document_upload(request: HttpRequest) -> HttpResponse:
    if not may_add_document(request.user):
        check(request.user, "document.change")
    form = DocumentForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_create(user=request.user, data=form.cleaned_data,
                                     upload=form.cleaned_data["file"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The document was added to the library."))
            return redirect("campaigns:documents")
    return render(request, "campaigns/document_form.html", {"form": form})


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    check(request.user, "campaign.view")
    document = selectors.document_get(pk, request.user)
    response = attachment_response(document.file, document.original_name)
    services.document_count_download(document=document)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(pk, request.user)
    check_document(request.user, document.campaign if document.campaign_id else None)
    if request.method == "POST":
        services.document_delete(user=request.user, document=document)
        messages.success(request, _("The document was removed."))
        return redirect("campaigns:documents")
    return render(request, "campaigns/document_confirm_delete.html", {"document": document})
