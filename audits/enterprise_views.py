"""An enterprise account's own page: the facilities it represents, their figures by year and
their submissions to data requests; and the form of a submission, which staff also fill in for
a form that came on paper (docs/ARCHITECTURE.md, "Data requests")."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import can, check
from audits import selectors, submission_upload, submissions
from audits.forms import (
    EnergyUseFormSet,
    SubmissionForm,
    SubmissionUploadForm,
    baseline_section,
    measure_lines_formset,
    measure_values,
    submission_lines_initial,
)
from audits.standing import MIN_SECTOR_GROUP
from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.xlsx import XLSX_CONTENT_TYPE


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    check(request.user, "enterprise.home")
    return render(request, "audits/enterprise_home.html", {
        "own": selectors.own_facilities(request.user), "min_group": MIN_SECTOR_GROUP})


@login_required
@require_http_methods(["GET", "POST"])
def submission_fill(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the figures ("Lưu nháp"), or save and submit them ("Gửi"): a check the figures fail
    must be corrected or explained first. A submitted form is shown, not edited."""
    submission = selectors.submission_get(request.user, pk, "submission.fill")
    data = request.POST if request.method == "POST" and submission.is_open else None
    form = SubmissionForm(data, instance=submission, describe=submissions.submission_describe,
                          checks=submissions.submission_checks(submission))
    formset = EnergyUseFormSet(data, initial=submission_lines_initial(submission),
                               prefix="uses")
    measures = measure_lines_formset(submission, data)  # None unless the request asks
    baseline = baseline_section(submission, data, form)  # None unless asked and missing
    parts = [p for p in (form, formset, measures, baseline) if p is not None and p.is_bound]
    if data is not None and all([part.is_valid() for part in parts]):
        values = {**form.record_data(), "lines": formset.lines(), **measure_values(measures),
                  **(baseline.values() if baseline else {})}
        if form.submit(submissions.submission_fill, user=request.user, submission_id=pk,
                       data=values, expected_version=form.expected_version):
            _send_if_asked(request, pk, form.expected_version + 1)
            return redirect("audits:submission_fill", pk=pk)
    return render(request, "audits/submission_form.html", {
        "submission": submission, "form": form, "formset": formset, "measures": measures,
        "baseline": baseline,
        "measure_lines": selectors.submission_measures(submission),
        "upload": SubmissionUploadForm(initial={"version": submission.version}),
        "transitions": selectors.submission_history(submission),
    })


@login_required
@require_POST
def submission_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Fill the draft from the energy template; then the form shows it, with its checks, as if
    typed. A refused file: each problem (row, column, what is wrong) as a message."""
    selectors.submission_get(request.user, pk, "submission.fill")
    form = SubmissionUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect("audits:submission_fill", pk=pk)
    try:
        submission_upload.submission_upload(
            user=request.user, submission_id=pk, upload=form.cleaned_data["file"],
            expected_version=form.cleaned_data["version"])
    except submission_upload.FileRefused as exc:
        for problem in exc.problems[:submission_upload.MAX_SHOWN]:
            messages.error(request, problem)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The figures of the file were put in the form as a draft: "
                                    "check them below, then send the form."))
    return redirect("audits:submission_fill", pk=pk)


@login_required
@require_GET
def submission_template(request: HttpRequest, pk: int) -> HttpResponse:
    """The energy template of the import, prefilled with the facility and the year."""
    submission = selectors.submission_get(request.user, pk, "submission.fill")
    name, content = submission_upload.submission_template(submission)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _send_if_asked(request: HttpRequest, pk: int, version: int) -> None:
    """After a save: submit when "Gửi" was pressed. A refusal leaves it saved, not sent, and
    the page then shows the checks of what is saved now."""
    if "submit" not in request.POST:
        messages.success(request, _("The form was saved as a draft."))
        return
    try:
        submissions.submission_submit(user=request.user, submission_id=pk,
                                      expected_version=version)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The form was sent to the Economic Department."))


@login_required
@require_http_methods(["GET", "POST"])
def submission_review(request: HttpRequest, pk: int) -> HttpResponse:
    """A submitted form beside the facility's figures of the year before (and of the same year,
    when staff entered one), with its checks and explanations; staff accept or return it."""
    submission = selectors.submission_get(request.user, pk, "submission.view")
    if request.method == "POST":
        check(request.user, "submission.review", submission)
        _decide(request, pk)
        return redirect("audits:submission_review", pk=pk)
    year = submission.request.year
    titles = {
        "before": _("%(year)s, recorded") % {"year": year - 1},
        "submitted": _("%(year)s, submitted") % {"year": year},
        "stored": _("%(year)s, already recorded") % {"year": year},
        "baseline": _("%(year)s, baseline year submitted"),
    }
    return render(request, "audits/submission_review.html", {
        "submission": submission,
        "comparison": selectors.submission_comparison(submission, titles),
        "measure_lines": selectors.submission_measures(submission),
        "recorded_measures": selectors.measures_recorded_in(submission),
        "checks": [(check, submission.explanations.get(check.rule, ""))
                   for check in submissions.submission_checks(submission)],
        "may_review": can(request.user, "submission.review", submission),
        "transitions": selectors.submission_history(submission),
    })


def _decide(request: HttpRequest, pk: int) -> None:
    """Return the form with the reason given, or accept it (replacing a verified record of the
    year only when the reviewer chose to); a refusal is shown as a message."""
    try:
        if "return" in request.POST:
            submissions.submission_return(user=request.user, submission_id=pk,
                                          reason=request.POST.get("reason", ""))
            messages.success(request, _("The form was returned to the facility."))
        else:
            accepted = submissions.submission_accept(
                user=request.user, submission_id=pk,
                replace_verified={"yes": True, "no": False}.get(request.POST.get("replace")),
            )
            messages.success(request, _("The figures were accepted and recorded."))
            if accepted.baseline and accepted.baseline_record_id is None:
                messages.info(request, _("The facility already had an energy record before "
                                         "this year, which stays its baseline: the baseline "
                                         "year of the form was not recorded."))
    except DomainError as exc:
        messages.error(request, exc.message)
