"""Residents download the files of their own requests, from My Account or the tracking page;
nobody else gets them, and files kept from the resident never leave."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from townhall.cases.models import Attachment, Case
from townhall.cases.services import add_attachment
from townhall.customers.services import link_account
from townhall.portal.tests.conftest import make_case, question_url, start
from townhall.portal.tests.test_composite_questions import PNG, finish, one_question_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(service, resident):
    link_account(user=resident)
    return make_case(service, email=resident.email)


def attach(case: Case, officer, *, public: bool = True, name: str = "crew-photo.png") -> Attachment:
    return add_attachment(case=case, upload=SimpleUploadedFile(name, PNG), by=officer, public=public)


def account_url(case: Case, attachment: Attachment) -> str:
    return reverse("portal:my_request_file", args=[case.reference, attachment.public_id])


def track_url(attachment: Attachment) -> str:
    return reverse("portal:track_file", args=[attachment.public_id])


def look_up(client, case: Case) -> None:
    client.post(reverse("portal:track"), {"reference": case.reference, "email": case.requester_email})


def assert_download(response, name: str = "crew-photo.png") -> None:
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG


def test_a_resident_downloads_a_file_of_their_request_from_my_account(client, case, resident, officer):
    attachment = attach(case, officer)
    client.force_login(resident)

    page = client.get(reverse("portal:my_request", args=[case.reference])).content.decode()

    assert f'href="{account_url(case, attachment)}"' in page
    assert_download(client.get(account_url(case, attachment)))


def test_a_tracked_request_offers_its_files_to_the_browser_that_found_it(client, case, officer):
    attachment = attach(case, officer)
    look_up(client, case)

    page = client.get(reverse("portal:track")).content.decode()

    assert f'href="{track_url(attachment)}"' in page
    assert_download(client.get(track_url(attachment)))


def test_a_file_sent_with_the_form_can_be_downloaded_too(client, team, resident):
    service = one_question_service(team, {"key": "photos", "type": "file", "label": "Add photos"})
    client.force_login(resident)
    start(client, service)
    client.post(question_url(service, "photos"), {"upload": SimpleUploadedFile("drain.png", PNG)})
    case = finish(client, service)
    [attachment] = case.attachments.all()

    page = client.get(reverse("portal:my_request", args=[case.reference])).content.decode()

    assert f'href="{account_url(case, attachment)}"' in page
    assert_download(client.get(account_url(case, attachment)), name="drain.png")


def test_visitors_are_asked_to_sign_in_for_a_file_in_my_account(client, case, officer):
    response = client.get(account_url(case, attach(case, officer)))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("who", ["other_resident", "officer"])
def test_nobody_else_gets_a_residents_file_from_my_account(client, case, officer, other_resident, who):
    # Staff use the console for other people's requests; My Account shows only their own.
    attachment = attach(case, officer)
    client.force_login({"other_resident": other_resident, "officer": officer}[who])

    assert client.get(account_url(case, attachment)).status_code == 404


def test_a_file_kept_from_the_resident_is_not_listed_or_served(client, case, resident, officer):
    hidden = attach(case, officer, public=False)
    client.force_login(resident)

    page = client.get(reverse("portal:my_request", args=[case.reference])).content.decode()
    look_up(client, case)

    assert str(hidden.public_id) not in page
    assert client.get(account_url(case, hidden)).status_code == 404
    assert client.get(track_url(hidden)).status_code == 404


def test_another_requests_file_is_not_served_under_my_reference(client, case, service, resident, officer):
    someone_elses = make_case(service, email="bob@example.com")
    attachment = attach(someone_elses, officer)
    client.force_login(resident)

    assert client.get(account_url(case, attachment)).status_code == 404


def test_tracking_serves_only_the_found_requests_files(client, case, service, officer):
    mine = attach(case, officer)
    someone_elses = attach(make_case(service, email="bob@example.com"), officer)

    assert client.get(track_url(mine)).status_code == 404  # nothing found yet
    look_up(client, case)
    assert client.get(track_url(someone_elses)).status_code == 404
    client.post(reverse("portal:track_another"))
    assert client.get(track_url(mine)).status_code == 404


def _lose_from_storage(attachment: Attachment) -> None:
    attachment.file.storage.delete(attachment.file.name)


@pytest.mark.parametrize("page", ["my account", "tracking"])
def test_a_file_gone_from_storage_is_a_not_found_page_and_a_warning_not_a_server_error(
    client, case, resident, officer, caplog, page
):
    attachment = attach(case, officer)
    _lose_from_storage(attachment)
    if page == "my account":
        client.force_login(resident)
        url, back = account_url(case, attachment), reverse("portal:my_request", args=[case.reference])
    else:
        look_up(client, case)
        url, back = track_url(attachment), reverse("portal:track")

    with caplog.at_level("WARNING", logger="townhall.cases.downloads"):
        response = client.get(url)

    assert response.status_code == 404
    text = response.content.decode()
    assert "This file is no longer available" in text
    assert f'href="{back}"' in text
    assert "Services A to Z" in text  # in the public site's own shell
    [warning] = [record for record in caplog.records if record.name == "townhall.cases.downloads"]
    assert str(attachment.public_id) in warning.getMessage()
    assert warning.levelname == "WARNING"


def test_a_download_keeps_an_awkward_file_name_and_is_never_cached(client, case, resident, officer):
    attachment = attach(case, officer, name='Crew "photo" – café.png')
    client.force_login(resident)

    response = client.get(account_url(case, attachment))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert "caf%C3%A9.png" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
