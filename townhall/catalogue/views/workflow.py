"""The states a service's requests move through."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from townhall.catalogue import services
from townhall.catalogue.forms import WorkflowForm
from townhall.catalogue.views.common import editor_required, render_page, saved, service_or_404


@editor_required
def workflow(request: HttpRequest, pk: int) -> HttpResponse:
    service = service_or_404(pk)
    form = WorkflowForm(request.POST if request.method == "POST" else None, states=service.workflow)
    if saved(
        request,
        form,
        lambda: services.set_workflow(
            service=service,
            states=form.cleaned_data["states"],
            by=request.user,
            expected_marker=request.POST.get("marker", ""),
        ),
        done=_("Workflow saved."),
    ):
        return redirect("catalogue:service", pk=service.pk)
    return render_page(
        request,
        "catalogue/workflow.html",
        {"service": service, "form": form, "marker": services.workflow_marker(service.workflow)},
    )
