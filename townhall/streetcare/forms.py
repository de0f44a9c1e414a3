"""The report journey's own forms (the category's questions are asked with
`cases.question_forms`, as everywhere), and the category settings staff edit."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from townhall.cases.requester_fields import email_field, full_name_field, phone_field
from townhall.catalogue.field_messages import PlainMessagesMixin
from townhall.catalogue.models import Channel, Service
from townhall.core.forms import GovUKForm
from townhall.streetcare.models import AssetLayer
from townhall.streetcare.photos import MAX_PHOTOS
from townhall.streetcare.selectors import NearbyAsset, NearbyReport
from townhall.streetcare.services import DETAIL_MAX, TITLE_MAX

NOT_LISTED = "none"
NEW_REPORT = "new"


class ChooseCategoryForm(GovUKForm):
    label_is_heading = True

    def __init__(self, *args, categories: list[Service], **kwargs):
        super().__init__(*args, **kwargs)
        self.by_slug = {service.slug: service for service in categories}
        self.fields["category"] = forms.ChoiceField(
            label=_("What is the problem?"),
            choices=[(service.slug, service.name) for service in categories],
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Select the kind of problem"),
                "invalid_choice": _("Select the kind of problem from the list"),
            },
        )

    @property
    def chosen(self) -> Service:
        return self.by_slug[self.cleaned_data["category"]]


class ChooseAssetForm(GovUKForm):
    def __init__(self, *args, layer: AssetLayer, nearby: list[NearbyAsset], **kwargs):
        super().__init__(*args, **kwargs)
        self.by_pk = {str(item.asset.pk): item.asset for item in nearby}
        choices = [(str(item.asset.pk), _asset_label(item)) for item in nearby]
        self.fields["asset"] = forms.ChoiceField(
            label=_("Which one is it?"),
            help_text=_("The %(layer)s closest to the place you marked, nearest first") % {"layer": layer.name.lower()},
            choices=[*choices, (NOT_LISTED, _("It is not in the list, or I do not know which"))],
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Select which one it is, or that it is not in the list"),
                "invalid_choice": _("Select which one it is from the list"),
            },
        )

    @property
    def chosen(self):
        return self.by_pk.get(self.cleaned_data["asset"])


def _asset_label(item: NearbyAsset) -> str:
    asset = item.asset
    described = f"{asset.asset_id}: {asset.description}" if asset.description else asset.asset_id
    return _("%(asset)s (%(metres)s metres away)") % {"asset": described, "metres": item.metres}


class DescribeForm(PlainMessagesMixin, GovUKForm):
    title = forms.CharField(
        label=gettext_lazy("Summarise the problem"),
        help_text=gettext_lazy(
            "For example, deep pothole outside the school gates. This is shown on our public map of reports."
        ),
        max_length=TITLE_MAX,
        widget=forms.TextInput(attrs={"spellcheck": "true"}),
        error_messages={"required": gettext_lazy("Enter a summary of the problem")},
    )
    detail = forms.CharField(
        label=gettext_lazy("Tell us more (optional)"),
        help_text=gettext_lazy(
            "What it is, how big it is, anything that helps us find it. Do not include personal details."
        ),
        max_length=DETAIL_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_title(self) -> str:
        return self.cleaned_data["title"].strip()

    def clean_detail(self) -> str:
        return self.cleaned_data["detail"].strip()


class PhotoForm(GovUKForm):
    photo = forms.FileField(
        label=gettext_lazy("Add a photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
        error_messages={"empty": gettext_lazy("The selected file is empty")},
    )

    def __init__(self, *args, count: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photo"].help_text = _(
            "A JPG, PNG, GIF or WEBP photo smaller than %(size)s. Up to %(n)s photos."
        ) % {
            "size": filesizeformat(settings.FILE_UPLOAD_MAX_BYTES),
            "n": MAX_PHOTOS,
        }
        if count:
            self.fields["photo"].label = _("Add another photo (optional)")


class DetailsForm(PlainMessagesMixin, GovUKForm):
    full_name = full_name_field()
    email = email_field(gettext_lazy("We will send your reference and updates to this address"))
    phone = phone_field(gettext_lazy("In case we need to call you about this problem"))

    def __init__(self, *args, channels: list[str] | None = None, **kwargs):
        """`channels`: staff reporting for a caller choose how they got in touch, among these."""
        super().__init__(*args, **kwargs)
        if channels is None:
            return
        self.fields["channel"] = forms.ChoiceField(
            label=_("How did they get in touch?"),
            choices=[(channel, Channel(channel).label) for channel in channels],
            widget=forms.RadioSelect,
            error_messages={"required": _("Select how they got in touch")},
        )
        self.order_fields(["channel"])
        for name, label in (
            ("full_name", _("Caller's full name")),
            ("email", _("Caller's email address (optional)")),
            ("phone", _("Caller's phone number (optional)")),
        ):
            self.fields[name].label = label
            self.fields[name].widget.attrs["autocomplete"] = "off"
        self.fields["full_name"].error_messages["required"] = _("Enter the caller's full name")
        self.fields["email"].required = False
        self.fields["email"].help_text = _("We will send them their reference and updates")
        self.fields["phone"].help_text = ""

    def clean_full_name(self) -> str:
        return self.cleaned_data["full_name"].strip()

    def clean_email(self) -> str:
        return (self.cleaned_data.get("email") or "").strip().lower()


class NearbyForm(GovUKForm):
    def __init__(self, *args, nearby: list[NearbyReport], **kwargs):
        super().__init__(*args, **kwargs)
        self.by_reference = {item.report.case.reference: item.report for item in nearby}
        self.fields["choice"] = forms.ChoiceField(
            label=_("Is your problem one of these?"),
            choices=[
                *((reference, reference) for reference in self.by_reference),
                (NEW_REPORT, _("No, it is a different problem: send my report")),
            ],
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Select the report of your problem, or that it is a different problem"),
                "invalid_choice": _("Select the report of your problem from the list"),
            },
        )

    @property
    def supported(self):
        """The report chosen as theirs; None to send a new one."""
        return self.by_reference.get(self.cleaned_data["choice"])


class CategorySettingsForm(PlainMessagesMixin, GovUKForm):
    notice = forms.CharField(
        label=gettext_lazy("Notice (optional)"),
        help_text=gettext_lazy("Shown to people who choose this category, for example what to do in an emergency."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    notice_stops_report = forms.BooleanField(
        label=gettext_lazy("The notice stops the report: we do not take these problems online"),
        required=False,
    )
    private = forms.BooleanField(
        label=gettext_lazy("Keep reports off the public map (for example, abandoned vehicles)"), required=False
    )
    asset_layer = forms.ModelChoiceField(
        label=gettext_lazy("Assets reporters choose from (optional)"),
        queryset=AssetLayer.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("None"),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("notice_stops_report") and not (data.get("notice") or "").strip():
            self.add_error("notice", _("Enter the notice that tells people what to do instead"))
        return data


class AddCategoryForm(GovUKForm):
    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"] = forms.ModelChoiceField(
            label=_("Which service should take street reports?"),
            help_text=_("Its questions are asked after the reporter marks the place on a map."),
            queryset=services,
            empty_label=_("Select a service"),
            error_messages={"required": _("Select a service"), "invalid_choice": _("Select a service from the list")},
        )
