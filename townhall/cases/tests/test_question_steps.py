"""One question page, the same for every channel: which form asks each type of question,
what it refuses and in which words, and what it keeps in the draft."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from townhall.cases import drafting
from townhall.cases.question_steps import Step, answer_question
from townhall.catalogue.models import Channel
from townhall.catalogue.questions import Question
from townhall.catalogue.tests.factories import ServiceFactory
from townhall.gazetteer.tests.factories import StreetFactory, homes_on

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
PAGE = "/question/"


@pytest.fixture(params=[Channel.WEB, Channel.PHONE])
def channel(request):
    """Every step is tried as a resident online and as an agent on the phone: the same form."""
    return request.param


def draft_for(channel: str, question: dict):
    service = ServiceFactory(questions=[{"label": "Where?", "required": True, **question}])
    return drafting.start_draft(service=service, channel=channel), Question.from_dict(service.current_form.questions[0])


def get(draft, question, query: str = "") -> Step:
    return answer_question(RequestFactory().get(f"{PAGE}{query}"), draft=draft, question=question)


def post(draft, question, data: dict, query: str = "", *, leaving: bool = False) -> Step:
    request = RequestFactory().post(f"{PAGE}{query}", data)
    return answer_question(request, draft=draft, question=question, leaving=leaving)


def errors(step: Step) -> list[str]:
    return [message for messages in step.context["form"].errors.values() for message in messages]


@pytest.fixture
def street():
    return StreetFactory(name="Alder Road", town="Wexmoor")


@pytest.fixture
def homes(street):
    """Three houses on Alder Road, WX1 2AB."""
    return homes_on(street)


class TestPlain:
    def test_a_good_answer_is_kept_as_json_keeps_it(self, channel):
        draft, question = draft_for(channel, {"key": "count", "type": "number", "label": "How many?"})

        step = post(draft, question, {"answer": "3"})

        assert step.done
        draft.refresh_from_db()
        assert draft.answers == {"count": "3"}

    def test_a_wrong_answer_is_refused_with_its_message_and_not_kept(self, channel):
        draft, question = draft_for(channel, {"key": "urgent", "type": "yes_no", "label": "Is it urgent?"})

        step = post(draft, question, {})

        assert not step.done
        assert errors(step) == ["Select an answer"]
        draft.refresh_from_db()
        assert draft.answers == {}

    @pytest.mark.parametrize(
        ("question", "data", "message"),
        [
            ({"type": "date"}, {"answer_0": "1", "answer_1": "2", "answer_2": "26"}, "Year must include 4 numbers"),
            (
                {"type": "email", "label": "Your email?"},
                {"answer": "ada@"},
                "Enter an email address in the correct format, like name@example.com",
            ),
            (
                {"type": "text", "label": "Which street?", "max_length": 10},
                {"answer": "A very long street name"},
                "The answer to “Which street?” must be 10 characters or fewer",
            ),
        ],
    )
    def test_a_wrong_answer_is_explained_in_plain_words(self, channel, question, data, message):
        draft, question = draft_for(channel, {"key": "answer", **question})

        step = post(draft, question, data)

        assert errors(step) == [message]
        draft.refresh_from_db()
        assert draft.answers == {}

    def test_a_date_is_asked_as_day_month_and_year_and_kept_with_its_4_number_year(self, channel):
        draft, question = draft_for(channel, {"key": "when", "type": "date", "label": "When?"})

        widget = get(draft, question).context["form"]["answer"].as_widget()
        step = post(draft, question, {"answer_0": "1", "answer_1": "2", "answer_2": "2026"})

        assert 'name="answer_2"' in widget and "govuk-date-input" in widget
        assert step.done
        draft.refresh_from_db()
        assert draft.answers == {"when": "2026-02-01"}

    def test_leaving_a_question_blank_to_come_back_later_keeps_nothing(self):
        draft, question = draft_for(Channel.WEB, {"key": "urgent", "type": "yes_no", "label": "Is it urgent?"})

        assert post(draft, question, {}, leaving=True).done
        draft.refresh_from_db()
        assert draft.answers == {}

    def test_the_page_shows_the_answer_already_given(self, channel):
        draft, question = draft_for(channel, {"key": "count", "type": "number", "label": "How many?"})
        drafting.save_answer(draft=draft, question=question, value="3")

        assert get(draft, question).context["form"]["answer"].value() == "3"


class TestAddress:
    def test_a_postcode_is_searched_then_the_chosen_address_kept(self, channel, homes):
        draft, question = draft_for(channel, {"key": "home", "type": "address"})

        searched = post(draft, question, {"postcode": "wx12ab"}, query="?return=check")
        chosen = post(draft, question, {"address": str(homes[1].uprn)}, query="?return=check&postcode=WX1+2AB")

        assert searched.redirect_to == f"{PAGE}?return=check&postcode=WX1+2AB"
        assert chosen.done
        draft.refresh_from_db()
        assert draft.answers == {"home": {"uprn": homes[1].uprn, "text": homes[1].single_line}}

    def test_the_search_results_are_offered_with_a_way_back_to_the_search(self, channel, homes):
        draft, question = draft_for(channel, {"key": "home", "type": "address"})

        step = get(draft, question, query="?postcode=WX1+2AB")

        assert [label for _value, label in step.context["form"].fields["address"].choices] == [
            home.single_line for home in homes
        ]
        assert step.context["lookup"].change_url == PAGE

    @pytest.mark.parametrize(
        ("postcode", "message"),
        [("", "Enter a postcode"), ("ZZ9 9ZZ", "We could not find any addresses in the borough with that postcode")],
    )
    def test_a_missing_or_unknown_postcode_is_refused(self, channel, homes, postcode, message):
        draft, question = draft_for(channel, {"key": "home", "type": "address"})

        step = post(draft, question, {"postcode": postcode})

        assert errors(step) == [message]
        draft.refresh_from_db()
        assert draft.answers == {}

    def test_a_postcode_too_long_is_explained_in_plain_words(self, channel):
        draft, question = draft_for(channel, {"key": "home", "type": "address"})

        step = post(draft, question, {"postcode": "WX1 2AB WX1 2AB"})

        assert errors(step) == ["Postcode must be 10 characters or fewer"]

    def test_choosing_no_address_is_refused(self, channel, homes):
        draft, question = draft_for(channel, {"key": "home", "type": "address"})

        step = post(draft, question, {}, query="?postcode=WX1+2AB")

        assert errors(step) == ["Select the address"]

    def test_an_optional_address_can_be_left_blank(self, channel):
        draft, question = draft_for(channel, {"key": "home", "type": "address", "required": False})

        assert post(draft, question, {"postcode": ""}).done
        draft.refresh_from_db()
        assert draft.answers == {"home": None}


class TestLocation:
    def test_a_street_is_found_by_name_and_its_middle_kept_with_a_description(self, channel, homes, street):
        draft, question = draft_for(channel, {"key": "spot", "type": "location"})

        searched = post(draft, question, {"place": "alder"})
        chosen = post(
            draft, question, {"place": f"usrn:{street.usrn}", "description": "By the school"}, query="?place=alder"
        )

        assert searched.redirect_to == f"{PAGE}?place=alder"
        assert chosen.done
        draft.refresh_from_db()
        assert draft.answers["spot"] == {
            "latitude": "51.410200",
            "longitude": "-0.200000",
            "text": "Alder Road, Wexmoor: By the school",
            "place": f"usrn:{street.usrn}",
            "description": "By the school",
        }

    def test_a_point_given_as_latitude_and_longitude_is_kept_without_searching(self, channel):
        draft, question = draft_for(channel, {"key": "spot", "type": "location"})

        step = post(draft, question, {"place": "", "latitude": "51.5", "longitude": "-0.12"})

        assert step.done
        draft.refresh_from_db()
        assert draft.answers["spot"] == {"latitude": "51.5", "longitude": "-0.12", "text": "51.5, -0.12"}
        assert get(draft, question).context["form"]["latitude"].value() == "51.5"

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"place": ""}, "Enter a street name or postcode"),
            ({"place": "Atlantis"}, "We could not find a street or address in the borough matching that"),
            ({"latitude": "51.5"}, "Enter both the latitude and the longitude"),
            ({"latitude": "91", "longitude": "0"}, "Latitude must be 90 or less"),
        ],
    )
    def test_a_place_that_cannot_be_found_or_half_a_point_is_refused(self, channel, homes, data, message):
        draft, question = draft_for(channel, {"key": "spot", "type": "location"})

        step = post(draft, question, data)

        assert not step.done
        assert [error for error in errors(step) if error.startswith(message)]
        draft.refresh_from_db()
        assert draft.answers == {}

    def test_an_optional_place_can_be_left_blank(self, channel):
        draft, question = draft_for(channel, {"key": "spot", "type": "location", "required": False})

        assert post(draft, question, {"place": ""}).done
        draft.refresh_from_db()
        assert draft.answers == {"spot": None}


class TestFiles:
    def upload(self, draft, question, content=PNG, name="drain.png", **data) -> Step:
        return post(draft, question, {"upload": SimpleUploadedFile(name, content), **data})

    def test_the_hint_names_the_types_taken_as_a_list_ending_in_or(self, channel):
        draft, question = draft_for(channel, {"key": "photos", "type": "file"})

        hint = get(draft, question).context["form"]["upload"].help_text

        assert hint.startswith("GIF, JPG, PDF, PNG or WEBP, smaller than")

    def test_an_upload_is_checked_and_stored_under_the_drafts_token(self, channel):
        draft, question = draft_for(channel, {"key": "photos", "type": "file"})

        step = self.upload(draft, question, upload_another="1")

        assert step.redirect_to == PAGE  # back to add another
        draft.refresh_from_db()
        [stored] = draft.answers["photos"]
        assert stored["path"] == f"drafts/{draft.token}/{stored['id']}"
        assert (stored["name"], stored["content_type"], stored["size"]) == ("drain.png", "image/png", len(PNG))
        assert default_storage.open(stored["path"]).read() == PNG
        assert get(draft, question).context["files"] == [stored]

    def test_uploading_then_continuing_keeps_the_file_and_goes_on(self, channel):
        draft, question = draft_for(channel, {"key": "photos", "type": "file"})

        assert self.upload(draft, question).done
        draft.refresh_from_db()
        assert [item["name"] for item in draft.answers["photos"]] == ["drain.png"]

    @pytest.mark.parametrize(
        ("content", "limit", "message"),
        [
            (b"MZ\x90\x00 not a photo", None, "The selected file must be a GIF, JPG, PDF, PNG or WEBP"),
            (PNG, 50, "The selected file must be smaller than 50\xa0bytes"),
        ],
    )
    def test_a_file_of_the_wrong_type_or_too_large_is_refused_and_not_stored(
        self, channel, settings, media, content, limit, message
    ):
        if limit:
            settings.FILE_UPLOAD_MAX_BYTES = limit
        draft, question = draft_for(channel, {"key": "photos", "type": "file"})

        step = self.upload(draft, question, content=content, upload_another="1")

        assert errors(step) == [message]
        draft.refresh_from_db()
        assert draft.answers == {}
        assert not (media / "drafts").exists()

    def test_no_more_than_ten_files_are_kept_for_one_question(self, channel):
        draft, question = draft_for(channel, {"key": "photos", "type": "file"})
        for _ in range(drafting.MAX_FILES_PER_QUESTION):
            self.upload(draft, question, upload_another="1")

        step = self.upload(draft, question, upload_another="1")

        assert errors(step) == ["You can upload up to 10 files"]
        draft.refresh_from_db()
        assert len(draft.answers["photos"]) == drafting.MAX_FILES_PER_QUESTION

    def test_a_required_file_question_cannot_be_skipped(self, channel):
        draft, question = draft_for(channel, {"key": "photos", "type": "file"})

        step = post(draft, question, {})

        assert errors(step) == ["Select a file to upload"]

    def test_an_optional_file_question_can_be_skipped(self, channel):
        draft, question = draft_for(channel, {"key": "photos", "type": "file", "required": False})

        assert post(draft, question, {}).done
        draft.refresh_from_db()
        assert draft.answers == {"photos": []}

    def test_a_removed_file_leaves_the_answer_and_the_storage(self, channel, django_capture_on_commit_callbacks):
        draft, question = draft_for(channel, {"key": "photos", "type": "file"})
        self.upload(draft, question, upload_another="1")
        self.upload(draft, question, name="kerb.png", upload_another="1")
        draft.refresh_from_db()
        removed, kept = draft.answers["photos"]

        with django_capture_on_commit_callbacks(execute=True):
            step = post(draft, question, {"remove": removed["id"]}, query="?return=check")

        assert step.redirect_to == f"{PAGE}?return=check"
        draft.refresh_from_db()
        assert draft.answers["photos"] == [kept]
        assert not default_storage.exists(removed["path"])
        assert default_storage.exists(kept["path"])


def test_a_point_out_of_range_gets_a_plain_message_naming_the_field():
    from townhall.cases.question_forms import FindPlaceForm

    form = FindPlaceForm({"latitude": "95", "longitude": "x"})

    assert not form.is_valid()
    assert all("Ensure" not in message for messages in form.errors.values() for message in messages)
    assert any("Latitude" in message for message in form.errors["latitude"])
    assert any("Longitude" in message for message in form.errors["longitude"])
