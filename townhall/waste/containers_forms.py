"""Forms of the containers and assisted-collection pages: the resident's (also used by an
agent on the phone) and the officer's decisions."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from townhall.cases.requester_fields import email_field, full_name_field, phone_field
from townhall.cases.services import Requester
from townhall.core.forms import GovUKDateField, GovUKForm
from townhall.waste.containers import ContainerError, offered_rule
from townhall.waste.models import AssistedDuration, AssistedReason, Container, ContainerReason

YES_NO = [("yes", _("Yes")), ("no", _("No"))]

REASON_CHOICES = [
    (ContainerReason.NEW_HOME, _("I have moved into a new home and there is none")),
    (ContainerReason.BROKEN, _("Mine is broken")),
    (ContainerReason.LOST, _("Mine was lost or stolen")),
    (ContainerReason.EXTRA, _("I need an extra one")),
    (ContainerReason.LARGER, _("I need a larger one")),
]


class ChooseContainerForm(GovUKForm):
    container = forms.ChoiceField(
        label=_("Which container do you need?"),
        choices=Container.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the container you need"), "invalid_choice": _("Select a container")},
    )
    reason = forms.ChoiceField(
        label=_("Why do you need it?"),
        choices=REASON_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select why you need it"), "invalid_choice": _("Select why you need it")},
    )
    quantity = forms.IntegerField(
        label=_("How many do you need?"),
        min_value=1,
        max_value=10,
        initial=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
        error_messages={
            "required": _("Enter how many you need"),
            "invalid": _("Enter how many you need as a number, like 1"),
            "min_value": _("Enter how many you need, 1 or more"),
            "max_value": _("You can ask for up to 10 at a time"),
        },
    )

    def __init__(self, *args, rules: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rules = rules
        self.rule = None

    def clean(self):
        data = super().clean()
        container, reason, quantity = data.get("container"), data.get("reason"), data.get("quantity")
        if not container or not reason:
            return data
        try:
            self.rule = offered_rule(container, reason, self.rules)
        except ContainerError as error:
            self.add_error("reason", str(error))
            return data
        if quantity is not None and quantity > self.rule.max_quantity:
            self.add_error(
                "quantity",
                _("You can ask for up to %(max)s at a time") % {"max": self.rule.max_quantity}
                if self.rule.max_quantity > 1
                else _("You can ask for 1 at a time"),
            )
        return data


class EligibilityForm(GovUKForm):
    household_size = forms.IntegerField(
        label=_("How many people live at the address?"),
        help_text=_("Count everyone, children too."),
        min_value=1,
        max_value=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
        error_messages={
            "required": _("Enter how many people live at the address"),
            "invalid": _("Enter how many people live at the address as a number, like 6"),
            "min_value": _("Enter how many people live at the address, 1 or more"),
            "max_value": _("Enter how many people live at the address, 30 or fewer"),
        },
    )
    medical_need = forms.ChoiceField(
        label=_("Does anyone at the address have a medical need that makes extra waste?"),
        help_text=_("For example, incontinence pads or home dialysis."),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select yes if anyone has a medical need that makes extra waste")},
    )
    medical_details = forms.CharField(
        label=_("If yes, tell us about the medical need"),
        help_text=_("An officer reads this to approve the larger bin."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("The medical need must be 2,000 characters or fewer")},
    )

    def clean(self):
        data = super().clean()
        if data.get("medical_need") == "yes" and not data.get("medical_details", "").strip():
            self.add_error("medical_details", _("Tell us about the medical need"))
        return data


class RequesterForm(GovUKForm):
    """Who is asking: the resident, or the caller when an agent fills it in on the phone."""

    full_name = full_name_field()
    email = email_field(_("We will email you about your request."))
    phone = phone_field()

    def __init__(self, *args, on_phone: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if on_phone:  # the caller may have no email address
            self.fields["email"].required = False
            self.fields["email"].label = _("Email address (optional)")
            self.fields["email"].help_text = _("The caller's, if they have one.")

    @property
    def requester(self) -> Requester:
        data = self.cleaned_data
        return Requester(
            name=data["full_name"].strip(), email=data.get("email", ""), phone=data.get("phone", "").strip()
        )


class AssistedForm(RequesterForm):
    reason = forms.ChoiceField(
        label=_("Why can you not put your bins out?"),
        choices=AssistedReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select why you cannot put your bins out")},
    )
    details = forms.CharField(
        label=_("Tell us more (optional)"),
        help_text=_("For example, what makes it hard to move your bins."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("Tell us more in 2,000 characters or fewer")},
    )
    bin_location = forms.CharField(
        label=_("Where are your bins kept?"),
        help_text=_("For example, in the side passage on the left of the house. The crew collects them from there."),
        max_length=300,
        error_messages={
            "required": _("Enter where your bins are kept"),
            "max_length": _("Where your bins are kept must be 300 characters or fewer"),
        },
    )
    duration = forms.ChoiceField(
        label=_("How long do you need help for?"),
        choices=AssistedDuration.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how long you need help for")},
    )
    until = GovUKDateField(
        label=_("If for a while, until when?"),
        help_text=_("For example, 27 3 2027"),
        required=False,
    )
    someone_can_help = forms.ChoiceField(
        label=_("Is there anyone living with you who could put the bins out?"),
        help_text=_("Someone aged 16 or over who could put the bins out and bring them back."),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select yes if anyone living with you could put the bins out")},
    )

    field_order = ["reason", "details", "bin_location", "duration", "until", "someone_can_help"]

    def clean(self):
        data = super().clean()
        if data.get("duration") == AssistedDuration.TEMPORARY and "until" not in self.errors:
            until = data.get("until")
            if until is None:
                self.add_error("until", _("Enter the date you need help until"))
            elif until <= timezone.localdate():
                self.add_error("until", _("The date you need help until must be in the future"))
        return data


DECISIONS = [("approve", _("Approve")), ("refuse", _("Refuse"))]


class DecisionForm(GovUKForm):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=DECISIONS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select approve or refuse")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Needed to refuse. We send it to the resident, so write it for them."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not data.get("reason", "").strip():
            self.add_error("reason", _("Enter the reason for refusing"))
        return data

    @property
    def approves(self) -> bool:
        return self.cleaned_data["decision"] == "approve"


class AssistedDecisionForm(DecisionForm):
    location_note = forms.CharField(
        label=_("Where the crew finds the bins"),
        help_text=_("Shown on the crew's list. Change it if the resident's words need to be clearer."),
        max_length=300,
        required=False,
    )

    field_order = ["decision", "location_note", "reason"]


class EndAssistedForm(GovUKForm):
    end_reason = forms.CharField(
        label=_("Why is it ending?"),
        max_length=300,
        error_messages={"required": _("Enter why the assisted collection is ending")},
    )
