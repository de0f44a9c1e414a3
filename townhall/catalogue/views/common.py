"""What every page of the service builder shares: who may use it, rendering, and showing a
service's refusal on the form that asked for the change."""

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from townhall.accounts.permissions import CATALOGUE_EDITORS, staff_required
from townhall.catalogue import selectors
from townhall.catalogue.models import FormDefinition, Service

editor_required = staff_required(*CATALOGUE_EDITORS)
Saved = TypeVar("Saved")


def render_page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """A page of the service builder, in the console's catalogue section."""
    return render(request, template, {"console_section": "catalogue", **context})


def refuse(form: forms.Form, exc: ValidationError) -> None:
    """Shows a service's refusal on the form: beside its field where the form has one."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def saved(request: HttpRequest, form: forms.Form, save: Callable[[], Saved], *, done: str = "") -> Saved | None:
    """What `save` (a call to a service) returns for a valid posted form, with `done` shown as
    a success; None when the form is not posted or not valid, or the service refuses (the
    refusal is then on the form)."""
    if not (form.is_bound and form.is_valid()):
        return None
    try:
        result = save()
    except ValidationError as exc:
        refuse(form, exc)
        return None
    if done:
        messages.success(request, done)
    return result


def service_or_404(pk: int) -> Service:
    """The service being built, with what its pages show."""
    try:
        return selectors.service_for_editing(pk)
    except Service.DoesNotExist as exc:
        raise Http404 from exc


def posted_revision(request: HttpRequest) -> int:
    """The form revision the page was built from; a missing one counts as out of date."""
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return -1


def page_revision(request: HttpRequest, definition: FormDefinition | None, form: forms.Form) -> int:
    """The revision a re-shown page carries: still the one the officer saw, unless they
    have just been told the questions moved on (then the latest, so they can retry)."""
    stale = any(error.code == "stale" for error in form.non_field_errors().as_data())
    if request.method != "POST" or stale:
        return definition.revision if definition else 0
    return posted_revision(request)
