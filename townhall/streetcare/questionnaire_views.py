"""The "is it fixed?" page a reporter reaches from our email."""

import uuid

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from townhall.core.forms import GovUKForm
from townhall.streetcare import questionnaire as services
from townhall.streetcare.models import FixedQuestionnaire

YES, NO = "yes", "no"


class QuestionnaireForm(GovUKForm):
    fixed = forms.ChoiceField(
        label=_("Has the problem been fixed?"),
        choices=[(YES, _("Yes")), (NO, _("No"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select yes if the problem has been fixed")},
    )
    comment = forms.CharField(
        label=_("If it is not fixed, tell us what is still wrong (optional)"),
        help_text=_("Do not include personal details such as your name, email address or phone number."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": _("What is still wrong must be 2,000 characters or fewer")},
    )


@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    asked = get_object_or_404(FixedQuestionnaire.objects.select_related("report__case__service"), token=token)
    if asked.answered_at is not None:
        return render(request, "streetcare/public/questionnaire_done.html", {"questionnaire": asked})
    form = QuestionnaireForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        answered = services.answer_questionnaire(
            questionnaire=asked, fixed=form.cleaned_data["fixed"] == YES, comment=form.cleaned_data["comment"]
        )
        return render(request, "streetcare/public/questionnaire_done.html", {"questionnaire": answered})
    return render(
        request,
        "streetcare/public/questionnaire.html",
        {"form": form, "report": asked.report},
        status=400 if form.errors else 200,
    )
