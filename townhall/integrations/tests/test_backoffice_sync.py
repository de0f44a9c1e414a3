"""Status updates back from an Open311 back office, onto the case timeline."""

import pytest

from townhall.cases.models import EventKind
from townhall.integrations import backoffice_sync, tasks
from townhall.integrations.models import ExternalRequest
from townhall.integrations.tests.backoffice_testing import drain
from townhall.integrations.tests.fake_georeport import FakeGeoReport

pytestmark = pytest.mark.django_db


def _timeline(case) -> list[tuple[str, str, str]]:
    return [(event.kind, event.to_status, event.text) for event in case.events.order_by("at", "id")][1:]


@pytest.fixture
def sent(route, fake_backoffice, report):
    """A report the back office has, and its id there."""
    case = report()
    drain()
    return case, ExternalRequest.objects.get(case=case).service_request_id


def test_a_closed_request_resolves_the_case_with_the_back_offices_notes(sent, endpoint, fake_backoffice):
    case, remote_id = sent
    fake_backoffice.set_status(remote_id, "closed", "Pothole filled on Tuesday")

    backoffice_sync.poll_endpoint(endpoint)

    case.refresh_from_db()
    assert case.status == "resolved" and case.is_closed
    assert _timeline(case) == [
        (EventKind.STATUS_CHANGED, "resolved", ""),
        (EventKind.PUBLIC_UPDATE, "", "Pothole filled on Tuesday"),
    ]
    status_change = case.events.get(kind=EventKind.STATUS_CHANGED)
    assert status_change.public and status_change.actor is None  # by the system, shown to the resident
    assert status_change.data == {"reason": "Highways asset system reported closed"}
    external = ExternalRequest.objects.get(case=case)
    assert (external.remote_status, external.remote_closed) == ("closed", True)
    assert external.last_fetched_at is not None


def test_polling_the_same_answer_again_adds_nothing(sent, endpoint, fake_backoffice):
    case, remote_id = sent
    fake_backoffice.set_status(remote_id, "open", "Inspector visiting this week")

    backoffice_sync.poll_endpoint(endpoint)
    backoffice_sync.poll_endpoint(endpoint)

    assert _timeline(case) == [(EventKind.PUBLIC_UPDATE, "", "Inspector visiting this week")]


def test_a_closed_request_is_not_asked_about_again(sent, endpoint, fake_backoffice):
    _case, remote_id = sent
    fake_backoffice.set_status(remote_id, "closed")
    backoffice_sync.poll_endpoint(endpoint)
    asked = len(fake_backoffice.calls)

    backoffice_sync.poll_endpoint(endpoint)

    assert len(fake_backoffice.calls) == asked


def test_the_updates_extension_moves_the_case_on_and_tells_the_resident(sent, endpoint, fake_backoffice, mailoutbox):
    case, remote_id = sent
    endpoint.supports_updates = True
    endpoint.save()
    fake_backoffice.add_update(remote_id, "ACTION_SCHEDULED", "")
    fake_backoffice.add_update(remote_id, "FIXED", "Filled and sealed")

    backoffice_sync.poll_endpoint(endpoint)
    backoffice_sync.poll_endpoint(endpoint)  # the windows overlap: nothing is applied twice
    drain()

    case.refresh_from_db()
    assert case.status == "resolved"
    assert _timeline(case) == [
        (EventKind.STATUS_CHANGED, "in_progress", ""),
        (EventKind.PUBLIC_UPDATE, "", "Work to put this right has been scheduled."),
        (EventKind.STATUS_CHANGED, "resolved", ""),
        (EventKind.PUBLIC_UPDATE, "", "Filled and sealed"),
    ]
    assert any("Filled and sealed" in message.body for message in mailoutbox)


def test_a_reopened_request_reopens_the_case(sent, endpoint, fake_backoffice):
    case, remote_id = sent
    endpoint.supports_updates = True
    endpoint.save()
    fake_backoffice.add_update(remote_id, "CLOSED", "Done")
    backoffice_sync.poll_endpoint(endpoint)
    fake_backoffice.add_update(remote_id, "REOPEN", "")

    backoffice_sync.poll_endpoint(endpoint)

    case.refresh_from_db()
    assert (case.status, case.is_closed) == ("in_progress", False)


def test_statuses_are_asked_for_in_batches(route, endpoint, fake_backoffice, report, monkeypatch):
    monkeypatch.setattr(backoffice_sync, "POLL_BATCH", 2)
    cases = [report() for _ in range(5)]
    drain()
    for external in ExternalRequest.objects.all():
        fake_backoffice.set_status(external.service_request_id, "closed")

    backoffice_sync.poll_endpoint(endpoint)

    assert fake_backoffice.calls.count(("GET", "requests")) == 3
    assert all(case.events.filter(kind=EventKind.STATUS_CHANGED).exists() for case in cases)


@pytest.fixture
def batch_backoffice():
    fake = FakeGeoReport(batch=True).start()
    yield fake
    fake.stop()


def test_a_batch_services_token_is_exchanged_for_its_id_once_it_has_one(route, endpoint, batch_backoffice, report):
    endpoint.base_url = batch_backoffice.url
    endpoint.save()
    case = report()
    drain()
    external = ExternalRequest.objects.get(case=case)
    assert (external.token, external.service_request_id) == ("T1", "")

    backoffice_sync.poll_endpoint(endpoint)
    assert ExternalRequest.objects.get(case=case).service_request_id == ""

    batch_backoffice.issue_ids()
    backoffice_sync.poll_endpoint(endpoint)

    external.refresh_from_db()
    assert external.service_request_id == batch_backoffice.created[0]["service_request_id"]
    assert len(batch_backoffice.created) == 1


def test_the_periodic_task_carries_on_past_a_back_office_that_is_down(sent, endpoint, fake_backoffice, caplog):
    fake_backoffice.go_down()

    tasks.poll_backoffice_updates()

    assert "Could not fetch updates from Highways asset system" in caplog.text
