"""The back-office pages of the staff console, at /staff/integrations/backoffice/: the Open311
endpoints Townhall sends reports to, and which service goes to which. Council
administrators only. Like the other apps' staff pages they check roles with
`accounts.permissions` (nothing imports the console) and extend its templates.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from townhall.accounts.models import Role
from townhall.accounts.permissions import staff_required
from townhall.integrations import backoffice_selectors as selectors
from townhall.integrations import backoffice_services as services
from townhall.integrations.backoffice_forms import EndpointForm, RouteForm
from townhall.integrations.models import BackOfficeEndpoint, ServiceRoute

council_admin = staff_required(Role.COUNCIL_ADMIN)


@require_GET
@council_admin
def endpoints(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "integrations/backoffice/endpoints.html",
        {"endpoints": selectors.endpoints(), "routes": selectors.routes()},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@council_admin
def endpoint_form(request: HttpRequest, endpoint_id: int | None = None) -> HttpResponse:
    """Add a back office, or change one (with no `endpoint_id`, a new one)."""
    endpoint = get_object_or_404(BackOfficeEndpoint, pk=endpoint_id) if endpoint_id is not None else None
    form = EndpointForm(request.POST if request.method == "POST" else None, endpoint=endpoint)
    if request.method == "POST" and form.is_valid():
        values = {field: form.cleaned_data[field] for field in services.ENDPOINT_FIELDS}
        saved = services.save_endpoint(
            endpoint=endpoint, values=values, api_key=form.cleaned_data["api_key"], by=request.user
        )
        messages.success(request, _("%(name)s is saved") % {"name": saved.name})
        return redirect("backoffice:endpoints")
    return render(request, "integrations/backoffice/endpoint_form.html", {"form": form, "endpoint": endpoint})


@require_http_methods(["GET", "HEAD", "POST"])
@council_admin
def route_form(request: HttpRequest, route_id: int | None = None) -> HttpResponse:
    """Route a service to a back office, or change its route."""
    route = get_object_or_404(ServiceRoute.objects.select_related("service"), pk=route_id) if route_id else None
    form = RouteForm(request.POST if request.method == "POST" else None, route=route)
    if request.method == "POST" and form.is_valid():
        saved = services.route_service(**form.cleaned_data, by=request.user)
        messages.success(
            request,
            _("New reports of %(service)s go to %(endpoint)s")
            % {"service": saved.service.name, "endpoint": saved.endpoint.name},
        )
        return redirect("backoffice:endpoints")
    return render(request, "integrations/backoffice/route_form.html", {"form": form, "route": route})


@require_POST
@council_admin
def route_remove(request: HttpRequest, route_id: int) -> HttpResponse:
    route = ServiceRoute.objects.select_related("service").filter(pk=route_id).first()
    if route is None:  # a second click, or someone else removed it
        messages.info(request, _("That route was already removed"))
    else:
        services.remove_route(route=route, by=request.user)
        messages.success(request, _("New reports of %(service)s stay in Townhall") % {"service": route.service.name})
    return redirect("backoffice:endpoints")
