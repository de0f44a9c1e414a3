"""Reports out to an Open311 back office, against a local fake one that can go down."""

import pytest

from townhall.cases import services as case_services
from townhall.catalogue.tests.factories import ServiceFactory
from townhall.core.models import OutboxMessage, OutboxStatus
from townhall.integrations import backoffice
from townhall.integrations.models import ExternalRequest, FeedFormat
from townhall.integrations.tests.backoffice_testing import drain, retry_all

pytestmark = pytest.mark.django_db


def _sent(case) -> ExternalRequest:
    return ExternalRequest.objects.get(case=case)


@pytest.mark.parametrize("format", [FeedFormat.XML, FeedFormat.JSON])
def test_a_routed_report_is_sent_once_with_its_place_answers_reporter_and_reference(
    format, route, endpoint, fake_backoffice, report
):
    endpoint.format = format
    endpoint.save()
    case = report(latitude="51.420100", longitude="-0.190200")

    drain()

    [created] = fake_backoffice.created
    form = created["form"]
    assert form["service_code"] == ["POT"]
    assert (form["lat"], form["long"]) == (["51.420100"], ["-0.190200"])
    assert form["attribute[townhall_reference]"] == [case.reference]
    assert form["attribute[details]"] == ["A deep pothole outside number 4"]
    assert form["attribute[urgent]"] == ["no"]
    assert "What is the problem?: A deep pothole outside number 4" in form["description"][0]
    assert (form["email"], form["first_name"], form["last_name"]) == (["rosa@example.com"], ["Rosa"], ["Mae Resident"])
    sent = _sent(case)
    assert sent.service_request_id == created["service_request_id"]
    assert sent.sent_at is not None


def test_a_report_of_a_service_with_no_route_stays_in_townhall(route, fake_backoffice, report, potholes):
    case = report(on=ServiceFactory(name="Report graffiti"))

    drain()

    assert fake_backoffice.created == []
    assert not ExternalRequest.objects.filter(case=case).exists()


def test_answers_go_by_the_back_offices_names_and_long_descriptions_are_shortened(
    route, endpoint, fake_backoffice, report
):
    route.attribute_map = {"details": "DETAIL_TEXT"}
    route.save()
    endpoint.description_limit = 100
    endpoint.save()

    report(answers={"details": "x" * 500, "urgent": "no"})
    drain()

    form = fake_backoffice.created[0]["form"]
    assert "attribute[details]" not in form
    assert form["attribute[DETAIL_TEXT]"] == ["x" * 500]
    assert len(form["description"][0]) == 100
    assert form["description"][0].endswith("…")


def test_reports_made_while_the_back_office_is_down_all_arrive_once_when_it_comes_back(route, fake_backoffice, report):
    fake_backoffice.go_down()
    cases = [report() for _ in range(3)]

    drain()

    sends = OutboxMessage.objects.filter(topic=backoffice.SEND_TOPIC)
    assert {message.status for message in sends} == {OutboxStatus.FAILED}
    assert all("Could not reach Highways asset system" in message.last_error for message in sends)

    fake_backoffice.come_back()
    retry_all()
    retry_all()  # and once more: nothing is sent twice

    assert sorted(r["reference"] for r in fake_backoffice.created) == sorted(case.reference for case in cases)
    assert all(_sent(case).service_request_id for case in cases)
    assert not OutboxMessage.objects.filter(topic=backoffice.SEND_TOPIC).exclude(status=OutboxStatus.SENT).exists()


def test_a_retry_after_a_timeout_finds_the_request_the_first_attempt_created(
    route, endpoint, fake_backoffice, report, settings
):
    # Given the back office creates the request but answers too late,
    settings.BACKOFFICE_TIMEOUT_SECONDS = 0.3
    endpoint.finds_by_reference = True
    endpoint.save()
    fake_backoffice.hang_next(2)
    case = report()

    drain()

    assert len(fake_backoffice.created) == 1
    assert not _sent(case).is_sent
    assert "did not answer within 0.3 seconds" in OutboxMessage.objects.get(topic=backoffice.SEND_TOPIC).last_error

    # when the outbox tries again, it asks first and does not create a second one.
    retry_all()

    assert len(fake_backoffice.created) == 1
    assert _sent(case).service_request_id == fake_backoffice.created[0]["service_request_id"]


def test_a_delivery_repeated_after_the_id_was_stored_sends_nothing(route, fake_backoffice, report):
    case = report()
    drain()
    message = OutboxMessage.objects.get(topic=backoffice.SEND_TOPIC)

    backoffice.send_request(message.payload, message.key)

    assert len(fake_backoffice.created) == 1
    assert [call for call in fake_backoffice.calls if call[0] == "POST"] == [("POST", "requests")]
    assert _sent(case).service_request_id


def test_a_switched_off_back_office_gets_no_new_reports_and_queued_ones_wait(route, endpoint, fake_backoffice, report):
    fake_backoffice.go_down()
    waiting = report()
    drain()
    endpoint.enabled = False
    endpoint.save()
    fake_backoffice.come_back()

    later = report()
    retry_all()

    assert fake_backoffice.created == []
    assert not ExternalRequest.objects.filter(case=later).exists()
    assert "switched off" in OutboxMessage.objects.get(key=_sent(waiting).send_key).last_error

    endpoint.enabled = True
    endpoint.save()
    retry_all()
    assert [r["reference"] for r in fake_backoffice.created] == [waiting.reference]


def test_a_refusal_is_kept_with_the_back_offices_words(route, endpoint, fake_backoffice, report):
    endpoint.api_key = "wrong"
    endpoint.save()
    report()

    drain()

    message = OutboxMessage.objects.get(topic=backoffice.SEND_TOPIC)
    assert message.status == OutboxStatus.FAILED
    assert "Highways asset system answered 403: 403 Invalid api_key" in message.last_error


def test_the_residents_later_message_reaches_the_back_office_as_an_update(route, endpoint, fake_backoffice, report):
    endpoint.supports_updates = True
    endpoint.save()
    case = report()
    drain()

    event = case_services.receive_message(case=case, text="It has got bigger since")
    drain()

    [update] = fake_backoffice.posted_updates
    assert update["update_id"] == [f"townhall-{event.pk}"]
    assert update["service_request_id"] == [_sent(case).service_request_id]
    assert update["description"] == ["It has got bigger since"]
    assert update["status"] == ["OPEN"]


def test_a_cases_messages_reach_the_back_office_in_order_after_an_outage(route, endpoint, fake_backoffice, report):
    endpoint.supports_updates = True
    endpoint.save()
    fake_backoffice.go_down()
    case = report()
    case_services.receive_message(case=case, text="First")
    case_services.receive_message(case=case, text="Second")
    drain()

    fake_backoffice.come_back()
    for _ in range(3):
        retry_all()

    posts = [call for call in fake_backoffice.calls if call[0] == "POST"]
    assert posts == [("POST", "requests"), ("POST", "servicerequestupdates"), ("POST", "servicerequestupdates")]
    assert [u["description"] for u in fake_backoffice.posted_updates] == [["First"], ["Second"]]
