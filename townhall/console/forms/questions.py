"""One page of a service's form, answered by an agent on a caller's behalf.

Plain questions use the catalogue's own `answer_field`, as the public site does; address,
location and file questions get a step each that works without JavaScript: look an
address up, choose it; or upload a file. `answer()` gives the value as a draft keeps it.
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from townhall.cases.drafting import store_answer_file
from townhall.cases.models import Draft
from townhall.catalogue.answering import answer_field, to_stored
from townhall.catalogue.questions import Question
from townhall.core.forms import GovUKForm
from townhall.core.uploads import check_upload
from townhall.gazetteer.models import Property
from townhall.gazetteer.selectors import properties_at_postcode, search_properties


class AnswerForm(GovUKForm):
    label_is_heading = True

    def __init__(self, *args, question: Question, stored=None, **kwargs):
        super().__init__(*args, initial={"answer": stored}, **kwargs)
        self.question = question
        self.fields["answer"] = answer_field(question)

    def answer(self):
        return to_stored(self.question, self.cleaned_data["answer"])


def find_places(text: str) -> list[Property]:
    """Addresses for a postcode, or matching the words typed."""
    text = (text or "").strip()
    if not text:
        return []
    return properties_at_postcode(text) or search_properties(text, limit=20)


class PlaceForm(GovUKForm):
    """An address (for `address` questions) or a point (for `location`): chosen from the
    addresses found, or, for a point, typed as latitude and longitude."""

    find = forms.CharField(widget=forms.HiddenInput, required=False)
    place = forms.ChoiceField(required=False)

    def __init__(self, *args, question: Question, stored=None, find: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        self.stored = stored or {}
        lookup = self.data.get("find", "") if self.is_bound else find
        self.fields["find"].initial = lookup
        self.places = {str(p.uprn): p for p in find_places(lookup)}
        choices = [(uprn, p.single_line) for uprn, p in self.places.items()]
        if question.type == "address" and self.stored and str(self.stored["uprn"]) not in self.places:
            choices.insert(0, (str(self.stored["uprn"]), self.stored["text"]))
        count = len(self.places)
        found = ngettext("%(n)s address found", "%(n)s addresses found", count) % {"n": count}
        self.fields["place"].choices = [("", found if lookup else _("Search for the address first")), *choices]
        self.fields["place"].label = _("Address") if question.type == "address" else _("Nearest address")
        if question.type == "address":
            self.fields["place"].initial = str(self.stored.get("uprn", ""))
        else:
            self.fields["latitude"] = forms.DecimalField(
                label=_("Latitude"), required=False, max_digits=9, decimal_places=6, min_value=-90, max_value=90
            )
            self.fields["longitude"] = forms.DecimalField(
                label=_("Longitude"), required=False, max_digits=9, decimal_places=6, min_value=-180, max_value=180
            )
            if self.stored:
                self.fields["latitude"].initial = self.stored.get("latitude")
                self.fields["longitude"].initial = self.stored.get("longitude")

    def clean(self):
        data = super().clean()
        chosen = data.get("place")
        point = (data.get("latitude"), data.get("longitude"))
        if self.question.type == "location" and not chosen and any(v is not None for v in point):
            if None in point:
                raise forms.ValidationError(_("Enter both the latitude and the longitude"))
        elif not chosen and self.question.required:
            self.add_error("place", _("Find and select the address") if not self.places else _("Select the address"))
        return data

    def answer(self) -> dict | None:
        chosen = self.cleaned_data.get("place")
        if self.question.type == "address":
            if not chosen:
                return None
            if chosen not in self.places:  # the stored answer, kept
                return self.stored
            return {"uprn": self.places[chosen].uprn, "text": self.places[chosen].single_line}
        if chosen:
            place = self.places.get(chosen)
            return _point(place.latitude, place.longitude, place.single_line)
        latitude, longitude = self.cleaned_data.get("latitude"), self.cleaned_data.get("longitude")
        if latitude is None:
            return None
        return _point(latitude, longitude, f"{latitude}, {longitude}")


def _point(latitude: Decimal, longitude: Decimal, text: str) -> dict:
    return {"latitude": str(latitude), "longitude": str(longitude), "text": text}


class FileAnswerForm(GovUKForm):
    label_is_heading = True
    file = forms.FileField(required=False)

    def __init__(self, *args, question: Question, draft: Draft, stored=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        self.draft = draft
        self.stored = stored or []
        self.fields["file"].label = question.label
        hint = [question.hint]
        if self.stored:
            names = ", ".join(f["name"] for f in self.stored)
            hint.append(_("Already uploaded: %(names)s. Choose another file to replace it.") % {"names": names})
        self.fields["file"].help_text = " ".join(filter(None, hint))

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            check_upload(upload)
        elif self.question.required and not self.stored:
            raise forms.ValidationError(_("Select a file"))
        return upload

    def answer(self) -> list | None:
        upload = self.cleaned_data.get("file")
        if upload:
            return [store_answer_file(draft=self.draft, upload=upload)]
        return self.stored or None


def question_form(question: Question, *, draft: Draft, data=None, files=None, find: str = "") -> GovUKForm:
    """The form for one question's page, bound to `data` when it was posted."""
    stored = draft.answers.get(question.key)
    if question.type in ("address", "location"):
        return PlaceForm(data, question=question, stored=stored, find=find)
    if question.type == "file":
        return FileAnswerForm(data, files, question=question, draft=draft, stored=stored)
    return AnswerForm(data, question=question, stored=stored)
