"""Pages for following a report and for area alerts.

Links in our emails open a page with a button: opening a link (as mail scanners do)
changes nothing; pressing the button does, once, however often it is pressed.
"""

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from townhall.streetcare import alerts
from townhall.streetcare.alerts_forms import FollowForm, NearbyAlertForm, WardAlertForm
from townhall.streetcare.models import AreaAlert
from townhall.streetcare.public_selectors import public_report
from townhall.streetcare.public_views import report_context

CHECK_EMAIL = "streetcare/public/check_email.html"


@require_POST
def follow(request: HttpRequest, reference: str) -> HttpResponse:
    """A report's "get updates": at once for someone signed in, by a confirming email for anyone else."""
    report = public_report(reference)
    if report is None:
        raise Http404
    if request.user.is_authenticated:
        alerts.follow(report=report, by=request.user)
        messages.success(request, _("You will get an email when this report is updated."))
        return redirect("reports:report", reference=reference)
    form = FollowForm(request.POST)
    if not form.is_valid():
        context = report_context(request, report, follow_form=form)
        return render(request, "streetcare/public/report.html", context, status=400)
    alerts.request_follow(report=report, email=form.cleaned_data["email"])
    return render(request, CHECK_EMAIL, {"email": form.cleaned_data["email"], "report": report})


@require_http_methods(["GET", "POST"])
def follow_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        report, email = alerts.follow_link_report(token)
    except alerts.AlertLinkError:
        return _link_not_working(request)
    if request.method == "POST":
        alerts.follow(report=report, by=None, email=email)
        messages.success(request, _("You will get an email when this report is updated."))
        return redirect("reports:report", reference=report.case.reference)
    return render(request, "streetcare/public/follow_confirm.html", {"report": report})


@require_http_methods(["GET", "POST"])
def area_alert(request: HttpRequest) -> HttpResponse:
    """Sign up for alerts of new reports in a ward, or near a postcode: two small forms."""
    ward_form = WardAlertForm(prefix="ward", initial={"ward": request.GET.get("ward")})
    nearby_form = NearbyAlertForm(prefix="near")
    status = 200
    if request.method == "POST" and request.POST.get("area") == "ward":
        ward_form = WardAlertForm(request.POST, prefix="ward")
        if ward_form.is_valid():
            alerts.request_area_alert(email=ward_form.cleaned_data["email"], ward=ward_form.cleaned_data["ward"])
            return render(request, CHECK_EMAIL, {"email": ward_form.cleaned_data["email"]})
        status = 400
    elif request.method == "POST":
        nearby_form = NearbyAlertForm(request.POST, prefix="near")
        if nearby_form.is_valid():
            latitude, longitude = nearby_form.centre
            alerts.request_area_alert(
                email=nearby_form.cleaned_data["email"],
                latitude=latitude,
                longitude=longitude,
                radius_metres=nearby_form.cleaned_data["distance"],
                place_label=nearby_form.cleaned_data["postcode"],
            )
            return render(request, CHECK_EMAIL, {"email": nearby_form.cleaned_data["email"]})
        status = 400
    return render(
        request,
        "streetcare/public/area_alert.html",
        {"ward_form": ward_form, "nearby_form": nearby_form, "form": ward_form if ward_form.errors else nearby_form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def area_alert_confirm(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    alert = get_object_or_404(AreaAlert.objects.select_related("ward"), token=token)
    if request.method == "POST" or alert.confirmed:
        alerts.confirm_area_alert(alert=alert)
        return render(request, "streetcare/public/area_alert_confirmed.html", {"alert": alert})
    return render(request, "streetcare/public/area_alert_confirm.html", {"alert": alert})


@require_http_methods(["GET", "POST"])
def area_alert_stop(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    alert = AreaAlert.objects.select_related("ward").filter(token=token).first()
    if request.method == "POST" or alert is None:
        if alert is not None:
            alerts.stop_area_alert(alert=alert)
        return render(request, "streetcare/public/area_alert_stopped.html")
    return render(request, "streetcare/public/area_alert_stop.html", {"alert": alert})


def _link_not_working(request: HttpRequest) -> HttpResponse:
    return render(
        request, "streetcare/public/link_not_working.html", {"days": alerts.FOLLOW_LINK_LIFETIME.days}, status=404
    )
