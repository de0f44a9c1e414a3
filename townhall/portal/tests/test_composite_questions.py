"""Questions answered in more than one step: an address, a place and files."""

from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from townhall.cases.models import Attachment, Case, Draft
from townhall.catalogue.tests.factories import ServiceFactory
from townhall.portal.tests.conftest import DETAILS, question_url, start

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def one_question_service(team, question: dict):
    return ServiceFactory(team=team, slug="one-question", questions=[{"label": "Where?", "required": True, **question}])


def finish(client, service):
    client.post(reverse("portal:details", args=[service.slug]), DETAILS)
    draft = Draft.objects.get()
    client.post(reverse("portal:check", args=[service.slug]), {"submission_key": str(draft.submission_key)})
    return Case.objects.get()


class TestAddress:
    @pytest.fixture
    def service(self, team):
        return one_question_service(team, {"key": "home", "type": "address", "label": "What is the address?"})

    def test_a_postcode_lists_its_addresses_and_the_chosen_one_is_kept_and_used(self, client, service, homes):
        start(client, service)
        url = question_url(service, "home")

        response = client.post(url, {"postcode": "wx12ab"})
        assert response["Location"] == f"{url}?postcode=WX1+2AB"
        page = client.get(response["Location"]).content.decode()
        assert "1 Alder Road, Wexmoor, WX1 2AB" in page
        assert 'type="radio"' in page
        assert "I cannot find the address" in page
        response = client.post(response["Location"], {"address": str(homes[1].uprn)})

        assert response["Location"] == reverse("portal:details", args=[service.slug])
        assert Draft.objects.get().answers["home"] == {"uprn": homes[1].uprn, "text": homes[1].single_line}
        assert finish(client, service).address == homes[1]

    @pytest.mark.parametrize(
        ("postcode", "message"),
        [("", "Enter a postcode"), ("ZZ9 9ZZ", "We could not find any addresses in the borough with that postcode")],
    )
    def test_a_missing_or_unknown_postcode_is_refused(self, client, service, homes, postcode, message):
        start(client, service)

        response = client.post(question_url(service, "home"), {"postcode": postcode})

        page = response.content.decode()
        assert "There is a problem" in page
        assert message in page
        assert Draft.objects.get().answers == {}

    def test_choosing_nothing_is_refused(self, client, service, homes):
        start(client, service)

        response = client.post(f"{question_url(service, 'home')}?postcode=WX1+2AB", {})

        assert "Select the address" in response.content.decode()
        assert Draft.objects.get().answers == {}

    def test_an_address_from_another_postcode_is_refused(self, client, service, homes, street):
        start(client, service)
        elsewhere = homes[0].__class__.objects.create(
            uprn=1, street=street, postcode="WX9 9ZZ", ward=homes[0].ward, latitude=1, longitude=1
        )

        response = client.post(f"{question_url(service, 'home')}?postcode=WX1+2AB", {"address": str(elsewhere.uprn)})

        assert "There is a problem" in response.content.decode()
        assert Draft.objects.get().answers == {}


class TestLocation:
    @pytest.fixture
    def service(self, team):
        return one_question_service(team, {"key": "spot", "type": "location", "label": "Where is the pothole?"})

    def test_a_street_is_found_by_name_and_its_middle_kept_with_a_description(self, client, service, homes, street):
        start(client, service)
        url = question_url(service, "spot")

        response = client.post(url, {"place": "alder"})
        page = client.get(response["Location"]).content.decode()
        assert "Alder Road, Wexmoor" in page
        assert "2 Alder Road" not in page  # addresses once a house number is typed
        response = client.post(
            response["Location"], {"place": f"usrn:{street.usrn}", "description": "Outside the school gates"}
        )

        assert response.status_code == 302
        stored = Draft.objects.get().answers["spot"]
        assert stored["latitude"] == "51.410200"
        assert stored["longitude"] == "-0.200000"
        assert stored["text"] == "Alder Road, Wexmoor: Outside the school gates"
        case = finish(client, service)
        assert case.latitude == Decimal("51.410200")

    def test_a_place_nothing_matches_is_refused(self, client, service, homes):
        start(client, service)

        response = client.post(question_url(service, "spot"), {"place": "Atlantis"})

        assert "We could not find a street or address in the borough" in response.content.decode()
        assert Draft.objects.get().answers == {}

    def test_an_optional_place_can_be_left_blank(self, client, team, homes):
        service = one_question_service(team, {"key": "spot", "type": "location", "required": False})
        start(client, service)

        response = client.post(question_url(service, "spot"), {"place": ""})

        assert response["Location"] == reverse("portal:details", args=[service.slug])
        assert Draft.objects.get().answers == {"spot": None}


class TestFiles:
    @pytest.fixture
    def service(self, team):
        return one_question_service(team, {"key": "photos", "type": "file", "label": "Add photos"})

    def upload(self, client, service, content=PNG, name="drain.png", **extra):
        return client.post(
            question_url(service, "photos"),
            {"upload": SimpleUploadedFile(name, content), "upload_another": "1", **extra},
        )

    def test_an_uploaded_photo_is_kept_listed_and_attached_to_the_request(self, client, service):
        start(client, service)

        response = self.upload(client, service)

        assert response["Location"] == question_url(service, "photos")
        [stored] = Draft.objects.get().answers["photos"]
        assert stored["name"] == "drain.png"
        assert stored["content_type"] == "image/png"
        assert stored["path"].startswith(f"drafts/{Draft.objects.get().token}/")
        assert default_storage.exists(stored["path"])
        assert "drain.png" in client.get(question_url(service, "photos")).content.decode()
        response = client.post(question_url(service, "photos"), {})
        assert response["Location"] == reverse("portal:details", args=[service.slug])
        case = finish(client, service)
        attachment = Attachment.objects.get(case=case)
        assert attachment.original_name == "drain.png"
        assert attachment.question_key == "photos"

    def test_a_file_of_the_wrong_type_is_refused_with_the_error_summary(self, client, service):
        start(client, service)

        response = self.upload(client, service, content=b"MZ\x90\x00 not a photo", name="photo.png")

        page = response.content.decode()
        assert "There is a problem" in page
        assert "The selected file must be a GIF, JPG, PDF, PNG or WEBP" in page
        assert 'href="#id_upload"' in page
        assert Draft.objects.get().answers == {}

    def test_a_file_too_large_is_refused(self, client, service, settings):
        settings.FILE_UPLOAD_MAX_BYTES = 50
        start(client, service)

        response = self.upload(client, service)

        assert "The selected file must be smaller than" in response.content.decode()
        assert Draft.objects.get().answers == {}

    def test_a_required_file_question_cannot_be_skipped(self, client, service):
        start(client, service)

        response = client.post(question_url(service, "photos"), {})

        assert "Select a file to upload" in response.content.decode()

    def test_a_file_can_be_removed(self, client, service, django_capture_on_commit_callbacks):
        start(client, service)
        self.upload(client, service)
        [stored] = Draft.objects.get().answers["photos"]

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(question_url(service, "photos"), {"remove": stored["id"]})

        assert response.status_code == 302
        assert Draft.objects.get().answers["photos"] == []
        assert not default_storage.exists(stored["path"])
