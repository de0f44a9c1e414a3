"""Following a report, and alerts of new reports in an area."""

import datetime as dt
import re
import time
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from townhall.cases import services as case_services
from townhall.cases.models import CaseWatcher
from townhall.core.models import AuditEvent
from townhall.customers.models import Customer
from townhall.streetcare import alerts
from townhall.streetcare.models import AreaAlert, AreaAlertReport
from townhall.streetcare.tests.public.conftest import FAR_AWAY, deliver_all, sent_to

pytestmark = pytest.mark.django_db

PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


@contextmanager
def later(by: dt.timedelta):
    """The clock signed links are dated by, moved on by `by`."""
    with mock.patch("django.core.signing.time.time", return_value=time.time() + by.total_seconds()):
        yield


def _link(message, name: str) -> str:
    """The path of the link to `name` (a URL name in `reports`) in an email."""
    prefix = reverse(f"reports:{name}", args=[PLACEHOLDER]).split(PLACEHOLDER)[0]
    found = re.search(rf"http://[^/\s]+({re.escape(prefix)}\S+)", message.body)
    assert found, message.body
    return found.group(1)


# Following one report


def test_someone_not_signed_in_follows_a_report_once_they_confirm_by_email(
    client, make_report, officer, django_capture_on_commit_callbacks
):
    report = make_report()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:follow", args=[report.case.reference]), {"email": " Bob@Example.com "})

    assert "Check your email" in response.content.decode()
    assert not CaseWatcher.objects.exists()  # nothing kept until they confirm
    (asked,) = mail.outbox
    assert asked.to == ["bob@example.com"]
    confirm = _link(asked, "follow_confirm")
    assert "bob" not in confirm.lower()  # the address is not readable in the link

    assert "Confirm you want updates" in client.get(confirm).content.decode()
    assert not CaseWatcher.objects.exists()  # opening the link (a mail scanner, say) changes nothing
    client.post(confirm)
    client.post(confirm)  # a second press changes nothing more

    watcher = CaseWatcher.objects.get()
    assert (watcher.case, watcher.address) == (report.case, "bob@example.com")

    deliver_all()
    mail.outbox.clear()
    case_services.add_public_update(case=report.case, text="Filled in today.", by=officer)
    deliver_all()
    assert sorted(message.to[0] for message in mail.outbox) == ["ada.reporter@example.com", "bob@example.com"]


def test_the_follow_link_tells_the_address_only_to_its_signature_check(make_report, django_capture_on_commit_callbacks):
    report = make_report()
    with django_capture_on_commit_callbacks(execute=True):
        alerts.request_follow(report=report, email="bob@example.com")
    token = _link(mail.outbox[-1], "follow_confirm").rstrip("/").split("/")[-1]

    assert alerts.follow_link_report(token) == (report, "bob@example.com")


def test_a_tampered_or_expired_follow_link_does_not_work(client, make_report, django_capture_on_commit_callbacks):
    report = make_report()
    with django_capture_on_commit_callbacks(execute=True):
        alerts.request_follow(report=report, email="bob@example.com")
    confirm = _link(mail.outbox[-1], "follow_confirm")
    forged = reverse(
        "reports:follow_confirm", args=[signing.dumps({"case": report.case_id, "email": "eve@example.com"}, salt="x")]
    )

    assert client.post(forged).status_code == 404
    with later(alerts.FOLLOW_LINK_LIFETIME + dt.timedelta(minutes=1)):
        response = client.post(confirm)
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert not CaseWatcher.objects.exists()


def test_asking_again_soon_sends_no_second_email(client, make_report, django_capture_on_commit_callbacks):
    report = make_report()
    mail.outbox.clear()
    url = reverse("reports:follow", args=[report.case.reference])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": "bob@example.com"})
        client.post(url, {"email": "bob@example.com"})

    assert len(mail.outbox) == 1


def test_following_needs_a_real_email_address(client, make_report):
    report = make_report()

    response = client.post(reverse("reports:follow", args=[report.case.reference]), {"email": "not an address"})

    assert response.status_code == 400
    assert "Enter an email address in the correct format, like name@example.com" in response.content.decode()
    assert "There is a problem" in response.content.decode()


def test_a_signed_in_resident_follows_at_once_from_their_account(client, make_report, person):
    report = make_report()
    resident = person("resident")
    client.force_login(resident)

    response = client.post(reverse("reports:follow", args=[report.case.reference]))

    assert response.status_code == 302
    watcher = CaseWatcher.objects.get()
    assert watcher.customer == Customer.objects.get(user=resident)


def test_a_report_that_is_not_public_cannot_be_followed(client, make_report, abandoned_vehicles):
    report = make_report(abandoned_vehicles)

    response = client.post(reverse("reports:follow", args=[report.case.reference]), {"email": "bob@example.com"})

    assert response.status_code == 404
    assert not mail.outbox


def test_a_followers_update_emails_carry_their_link_to_stop_them(client, make_report, officer):
    report = make_report()
    alerts.follow(report=report, by=None, email="bob@example.com")
    deliver_all()
    mail.outbox.clear()

    case_services.add_public_update(case=report.case, text="Filled in today.", by=officer)
    deliver_all()

    (update,) = sent_to("bob@example.com")
    assert "you follow request" in update.body
    stop = re.search(r"http://[^/\s]+(/following/stop/\S+)", update.body).group(1)
    assert "bob" not in stop
    client.post(stop)
    assert not CaseWatcher.objects.exists()


# Alerts of new reports in an area


def _sign_up_for_ward(client, code="WXM01", email="carol@example.com"):
    return client.post(reverse("reports:area_alert"), {"area": "ward", "ward-ward": code, "ward-email": email})


def _confirm_by_email(client) -> AreaAlert:
    confirm = _link(mail.outbox[-1], "area_alert_confirm")
    assert "Confirm your alerts" in client.get(confirm).content.decode()
    client.post(confirm)
    return AreaAlert.objects.get(token=confirm.split("/")[-3])


def test_a_ward_alert_sends_new_public_reports_once_each(
    client, make_report, ashby_green, brindle_heath, abandoned_vehicles, alder_road, django_capture_on_commit_callbacks
):
    make_report(title="Reported before the alert started")
    with django_capture_on_commit_callbacks(execute=True):
        response = _sign_up_for_ward(client)
    assert "Check your email" in response.content.decode()
    alert = AreaAlert.objects.get()
    assert not alert.confirmed
    assert alerts.send_area_digests() == 0  # nothing before it is confirmed

    alert = _confirm_by_email(client)
    assert alert.confirmed
    new = make_report(title="Pothole by the school")
    make_report(title="Pothole in another ward", at=FAR_AWAY, ward=brindle_heath)
    make_report(abandoned_vehicles, title="Car with no wheels")

    assert alerts.send_area_digests() == 1
    deliver_all()
    _confirmation, digest = sent_to("carol@example.com")
    assert digest.to == ["carol@example.com"]
    assert digest.subject == "New street reports in Ashby Green ward"
    assert "Pothole by the school (Potholes), Alder Road, Ashby Green ward" in digest.body
    assert f"/reports/{new.case.reference}/" in digest.body
    for left_out in ("before the alert", "another ward", "no wheels", "Ada Reporter"):
        assert left_out not in digest.body
    assert _link(digest, "area_alert_stop")

    assert alerts.send_area_digests() == 0  # each report goes once
    deliver_all()
    assert len(sent_to("carol@example.com")) == 2  # the confirmation and the one digest
    assert AreaAlertReport.objects.get().report == new


def test_an_alert_near_a_postcode_sends_reports_within_its_distance(
    client, make_report, alder_road, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reports:area_alert"),
            {"area": "near", "near-postcode": "wx12ab", "near-distance": "500", "near-email": "dan@example.com"},
        )
    alert = _confirm_by_email(client)
    assert (alert.place_label, alert.radius_metres, alert.ward) == ("WX1 2AB", 500, None)
    near = make_report(title="Pothole 300 metres north", at=(Decimal("51.412700"), Decimal("-0.200000")))
    make_report(title="Pothole 700 metres north", at=(Decimal("51.416300"), Decimal("-0.200000")))

    alerts.send_area_digests()
    deliver_all()

    digest = sent_to("dan@example.com")[-1]
    assert digest.subject == "New street reports within 500 metres of WX1 2AB"
    assert near.title in digest.body and "700 metres" not in digest.body


def test_an_unknown_postcode_or_missing_ward_is_explained(client, alder_road):
    response = client.post(
        reverse("reports:area_alert"),
        {"area": "near", "near-postcode": "ZZ9 9ZZ", "near-distance": "500", "near-email": "dan@example.com"},
    )
    assert response.status_code == 400
    assert "We cannot find ZZ9 9ZZ in" in response.content.decode()

    response = _sign_up_for_ward(client, code="")
    assert response.status_code == 400
    assert "Choose a ward" in response.content.decode()
    assert not AreaAlert.objects.exists()


def test_signing_up_twice_for_the_same_area_keeps_one_alert(client, ashby_green, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up_for_ward(client)
        _sign_up_for_ward(client)

    assert AreaAlert.objects.count() == 1
    assert len(mail.outbox) == 1


def test_an_alert_stops_by_the_link_in_its_emails(client, ashby_green, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up_for_ward(client)
    alert = _confirm_by_email(client)
    stop = reverse("reports:area_alert_stop", args=[alert.token])

    assert "Stop alerts of new reports" in client.get(stop).content.decode()
    client.post(stop)

    assert not AreaAlert.objects.exists()
    assert AuditEvent.objects.filter(action="streetcare.area_alert_stopped").exists()
    assert client.post(stop).status_code == 200


def test_unconfirmed_alerts_are_deleted_after_a_week(ashby_green):
    old = alerts.request_area_alert(email="old@example.com", ward=ashby_green)
    AreaAlert.objects.filter(pk=old.pk).update(created_at=timezone.now() - alerts.UNCONFIRMED_KEPT_FOR)
    alerts.request_area_alert(email="new@example.com", ward=ashby_green)

    alerts.send_area_digests()

    assert list(AreaAlert.objects.values_list("email", flat=True)) == ["new@example.com"]


def test_a_digest_lists_at_most_its_limit_and_sends_the_rest_next_time(
    make_report, ashby_green, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(alerts, "DIGEST_LIMIT", 2)
    alert = alerts.confirm_area_alert(alert=alerts.request_area_alert(email="carol@example.com", ward=ashby_green))
    reports = [make_report(title=f"Pothole {number}") for number in range(3)]
    mail.outbox.clear()

    alerts.send_area_digests()
    alerts.send_area_digests()
    deliver_all()

    _confirmation, first, second = sent_to("carol@example.com")
    assert "Pothole 0" in first.body and "Pothole 1" in first.body and "There are more" in first.body
    assert "Pothole 2" in second.body and "Pothole 0" not in second.body
    assert AreaAlertReport.objects.filter(alert=alert).count() == len(reports)


def test_the_sign_up_page_offers_the_reports_ward(client, make_report, ashby_green):
    report = make_report()
    page = client.get(reverse("reports:report", args=[report.case.reference])).content.decode()
    assert reverse("reports:area_alert") + "?ward=WXM01" in page

    response = client.get(reverse("reports:area_alert"), {"ward": "WXM01"})

    assert '<option value="WXM01" selected>' in response.content.decode()
