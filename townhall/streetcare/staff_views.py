"""Street reporting in the staff console, under /staff/streetcare/ (namespace
"streetcare_staff"): council administrators set up categories (notice, stopping notice,
privacy, asset layer), and case workers merge a duplicate report into the one kept.

Like the other modules' staff pages, these check roles with `accounts.permissions` and
extend the console's templates, since nothing imports the console.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from townhall.accounts.permissions import CASE_WORKERS, CATALOGUE_EDITORS, staff_required
from townhall.cases.selectors import visible_cases
from townhall.cases.services import CaseError
from townhall.streetcare import selectors, services
from townhall.streetcare.forms import AddCategoryForm, CategorySettingsForm

category_editor = staff_required(*CATALOGUE_EDITORS)
case_worker = staff_required(*CASE_WORKERS)


@require_GET
@category_editor
def categories(request: HttpRequest) -> HttpResponse:
    return render(request, "streetcare/staff/categories.html", {"categories": selectors.all_categories()})


@require_http_methods(["GET", "POST"])
@category_editor
def category_add(request: HttpRequest) -> HttpResponse:
    form = AddCategoryForm(request.POST or None, services=selectors.services_without_category())
    if request.method == "POST" and form.is_valid():
        service = form.cleaned_data["service"]
        services.save_category(
            service=service, notice="", notice_stops_report=False, private=False, asset_layer=None, by=request.user
        )
        messages.success(request, _("%(service)s now takes street reports.") % {"service": service.name})
        return redirect("streetcare_staff:category", service.slug)
    return render(request, "streetcare/staff/category_add.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@category_editor
def category(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(selectors.all_categories(), service__slug=slug)
    initial = {
        "notice": category.notice,
        "notice_stops_report": category.notice_stops_report,
        "private": category.private,
        "asset_layer": category.asset_layer,
    }
    form = CategorySettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_category(service=category.service, by=request.user, **form.cleaned_data)
        messages.success(request, _("The settings of %(service)s were saved.") % {"service": category.service.name})
        return redirect("streetcare_staff:categories")
    return render(
        request,
        "streetcare/staff/category.html",
        {"category": category, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@case_worker
def merge(request: HttpRequest, reference: str) -> HttpResponse:
    """Merge the chosen nearby report into this case's report (from the case page)."""
    cases = visible_cases(request.user).select_related("service")
    kept = get_object_or_404(cases, reference=reference)
    duplicate = cases.filter(reference=request.POST.get("duplicate", "")).select_related("street_report").first()
    if duplicate is None or not hasattr(duplicate, "street_report"):
        raise Http404
    case_url = reverse("console:case", args=[kept.reference])
    if duplicate.street_report.duplicate_of_id == kept.pk:  # a second click
        messages.info(request, _("That was already done."))
        return redirect(case_url)
    try:
        services.merge_duplicate(duplicate=duplicate, into=kept, by=request.user)
    except CaseError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("%(duplicate)s was merged into this report. Its reporter now gets this report's updates.")
            % {"duplicate": duplicate.reference},
        )
    return redirect(case_url)
