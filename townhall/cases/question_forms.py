"""The forms a service's questions are answered with, the same for a resident on the web
and an agent on a caller's behalf.

A plain question is one field (`catalogue.answering.answer_field`). An address is found
by its postcode, then chosen; a place by a street name or postcode, then chosen (or given
as latitude and longitude, as a map would); files are uploaded one at a time. Every form
gives the value a draft keeps with `answer()`. `question_steps` puts them to work.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from townhall.catalogue.answering import answer_field, to_stored
from townhall.catalogue.field_messages import PlainMessagesMixin
from townhall.catalogue.questions import Question
from townhall.core.forms import GovUKForm
from townhall.core.uploads import allowed_types_text
from townhall.gazetteer import selectors as gazetteer
from townhall.gazetteer.models import normalise_postcode

# More choices than this read better as a drop-down than as radios.
MAX_RADIOS = 12


class AnswerForm(GovUKForm):
    """One plain question of a service's form, asked as the page's heading."""

    label_is_heading = True

    def __init__(self, data=None, *, question: Question, stored=None):
        super().__init__(data, initial={"answer": stored})
        self.question = question
        self.fields["answer"] = answer_field(question)

    def answer(self) -> object:
        return to_stored(self.question, self.cleaned_data["answer"])

    def is_blank(self) -> bool:
        return not any(
            value.strip() for name in self.data if name.startswith("answer") for value in self.data.getlist(name)
        )


class FindAddressForm(PlainMessagesMixin, GovUKForm):
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "class": "govuk-input--width-10"}),
    )
    # The search alone never answers the question: an address is chosen from what it finds.
    is_answer = False

    def __init__(self, *args, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postcode"].required = required
        self.fields["postcode"].error_messages["required"] = _("Enter a postcode")
        self.results: list = []

    def clean_postcode(self) -> str:
        postcode = normalise_postcode(self.cleaned_data["postcode"])
        if postcode:
            self.results = gazetteer.properties_at_postcode(postcode)
            if not self.results:
                raise forms.ValidationError(_("We could not find any addresses in the borough with that postcode"))
        return postcode


class ChooseAddressForm(PlainMessagesMixin, GovUKForm):
    def __init__(self, properties: list, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_uprn = {str(place.uprn): place for place in properties}
        choices = [(uprn, place.single_line) for uprn, place in self.by_uprn.items()]
        many = len(choices) > MAX_RADIOS
        self.fields["address"] = forms.ChoiceField(
            label=_("%(n)s addresses found") % {"n": len(choices)} if many else _("Select the address"),
            choices=[("", _("Select the address")), *choices] if many else choices,
            widget=forms.Select if many else forms.RadioSelect,
            error_messages={
                "required": _("Select the address"),
                "invalid_choice": _("Select the address from the list"),
            },
        )

    @property
    def chosen(self):
        return self.by_uprn[self.cleaned_data["address"]]

    def answer(self) -> dict:
        return {"uprn": self.chosen.uprn, "text": self.chosen.single_line}


def _coordinate_field(label: str, hint: str, *, limit: int) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=hint,
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-limit,
        max_value=limit,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
    )


class FindPlaceForm(PlainMessagesMixin, GovUKForm):
    """A street name or postcode to choose a place from, or the point itself."""

    place = forms.CharField(
        label=_("Street name or postcode"),
        help_text=_("For example, High Street or WX1 2AB"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    latitude = _coordinate_field(_("Latitude"), _("For example, 51.501009"), limit=90)
    longitude = _coordinate_field(_("Longitude"), _("For example, -0.141588"), limit=180)

    def __init__(self, *args, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.required = required
        self.results: list = []
        self.location: gazetteer.PointLocation | None = None

    def clean(self) -> dict:
        data = super().clean()
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if self.has_error("latitude") or self.has_error("longitude"):
            return data
        if latitude is not None or longitude is not None:
            for name, value in (("latitude", latitude), ("longitude", longitude)):
                if value is None:
                    self.add_error(name, _("Enter both the latitude and the longitude"))
            if latitude is not None and longitude is not None:
                # Kept for pages that link to the neighbouring authority named in the refusal.
                self.location = gazetteer.locate_point(latitude, longitude, find_ward=False)
                if not self.location.inside:
                    self.add_error("latitude", self.location.refusal)
            return data
        text = (data.get("place") or "").strip()
        data["place"] = text
        if not text:
            if self.required:
                self.add_error("place", _("Enter a street name or postcode"))
        else:
            self.results = gazetteer.places_matching(text)
            if not self.results:
                self.add_error(
                    "place", _("We could not find a street or address in the borough matching that; check the spelling")
                )
        return data

    @property
    def is_answer(self) -> bool:
        """A point given as latitude and longitude answers the question without choosing."""
        return self.is_valid() and self.cleaned_data.get("latitude") is not None

    def answer(self) -> dict:
        latitude: Decimal = self.cleaned_data["latitude"]
        longitude: Decimal = self.cleaned_data["longitude"]
        return {"latitude": str(latitude), "longitude": str(longitude), "text": f"{latitude}, {longitude}"}


class ChoosePlaceForm(PlainMessagesMixin, GovUKForm):
    description = forms.CharField(
        label=_("Describe exactly where it is (optional)"),
        help_text=_("For example, outside number 12, next to the bus stop"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, places: list, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_value = {place.value: place for place in places}
        choices = [(place.value, place.text) for place in places]
        many = len(choices) > MAX_RADIOS
        self.fields["place"] = forms.ChoiceField(
            label=_("Select the street or address nearest to it"),
            choices=[("", _("Select a street or address")), *choices] if many else choices,
            widget=forms.Select if many else forms.RadioSelect,
            error_messages={"required": _("Select the street or address nearest to it")},
        )
        self.order_fields(["place", "description"])

    @property
    def chosen(self):
        return self.by_value[self.cleaned_data["place"]]

    def answer(self) -> dict:
        place, description = self.chosen, self.cleaned_data["description"].strip()
        return {
            "latitude": place.latitude,
            "longitude": place.longitude,
            "text": f"{place.text}: {description}" if description else place.text,
            "place": place.value,
            "description": description,
        }


class UploadForm(PlainMessagesMixin, GovUKForm):
    upload = forms.FileField(
        label=_("Upload a file"),
        required=False,
        error_messages={"empty": _("The selected file is empty"), "invalid": _("The selected file could not be read")},
    )

    def __init__(self, *args, adding: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if adding:
            self.fields["upload"].label = _("Add another file (optional)")
        self.fields["upload"].help_text = _("%(types)s, smaller than %(size)s") % {
            "types": allowed_types_text(),
            "size": filesizeformat(settings.FILE_UPLOAD_MAX_BYTES),
        }


@dataclass
class Lookup:
    form: forms.Form  # what the page shows: the search, or the choice among what it found
    found: str = ""  # what was searched for, once choosing
    change_url: str = ""  # back to the search
    chosen: forms.Form | None = None  # the form holding the answer, once there is one
    blank: bool = False  # an optional search left empty
    redirect_to: str = ""


def find_then_choose(
    request: HttpRequest,
    *,
    find_form: type[forms.Form],
    choose_form: Callable[..., forms.Form],
    param: str,
    required: bool = True,
    find_initial: dict | None = None,
    choose_initial: dict | None = None,
) -> Lookup:
    """Finding a place without a map or JavaScript: type a postcode or a street, then choose
    from what the gazetteer holds.

    The search is posted, then shown in the address (`?<param>=…`) so the choice page can
    be reloaded, bookmarked and gone back to like any other."""
    query = request.GET.copy()
    text = query.pop(param, [""])[-1]
    change_url = f"{request.path}?{query.urlencode()}" if query else request.path
    posted = request.POST if request.method == "POST" else None
    if text:
        finder = find_form({param: text})
        if not finder.is_valid():
            return Lookup(finder, change_url=change_url)
        chooser = choose_form(finder.results, posted, initial=choose_initial)
        found = finder.cleaned_data[param]
        if posted is not None and chooser.is_valid():
            return Lookup(chooser, found=found, change_url=change_url, chosen=chooser)
        return Lookup(chooser, found=found, change_url=change_url)
    if posted is None:
        return Lookup(find_form(initial=find_initial, required=required))
    finder = find_form(posted, required=required)
    if not finder.is_valid():
        return Lookup(finder)
    if finder.is_answer:
        return Lookup(finder, chosen=finder)
    found = finder.cleaned_data[param]
    if not found:
        return Lookup(finder, blank=True)
    query[param] = found
    return Lookup(finder, redirect_to=f"{request.path}?{query.urlencode()}")
