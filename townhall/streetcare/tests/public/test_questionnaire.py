"""The "is it fixed?" question: asked once, some weeks after a report is fixed; "no" reopens it for the team."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from townhall.cases import services as case_services
from townhall.cases.models import Case, CaseEvent, EventKind
from townhall.streetcare import questionnaire
from townhall.streetcare.models import FixedQuestionnaire
from townhall.streetcare.tests.public.conftest import deliver_all, fix

pytestmark = pytest.mark.django_db

WEEKS = dt.timedelta(weeks=4)


def _fixed_ago(make_report, officer, ago: dt.timedelta, **kwargs):
    report = make_report(**kwargs)
    fix(report.case, officer)
    Case.objects.filter(pk=report.case_id).update(resolved_at=timezone.now() - ago)
    return report


def _asked(address: str):
    return [message for message in mail.outbox if message.to == [address] and message.subject.startswith("Is it fixed")]


def _answer_url(message) -> str:
    return re.search(r"http://[^/\s]+(/reports/fixed/\S+/)", message.body).group(1)


def test_the_reporter_is_asked_once_some_weeks_after_it_was_fixed(make_report, officer, settings):
    settings.STREETCARE_QUESTIONNAIRE_WEEKS = 4
    due = _fixed_ago(make_report, officer, WEEKS + dt.timedelta(hours=1), title="Pothole by the school")
    _fixed_ago(make_report, officer, WEEKS - dt.timedelta(days=1), reporter_email="early@example.com")
    _fixed_ago(make_report, officer, WEEKS * 3, reporter_email="long-ago@example.com")
    make_report(reporter_email="still-open@example.com")

    assert questionnaire.send_due_questionnaires() == 1
    assert questionnaire.send_due_questionnaires() == 0  # once, however often it runs
    deliver_all()

    (asked,) = _asked("ada.reporter@example.com")
    assert asked.subject == f"Is it fixed? Your report {due.case.reference}"
    assert "Dear Ada Reporter" in asked.body and "Pothole by the school" in asked.body
    assert FixedQuestionnaire.objects.get().report == due
    for address in ("early@example.com", "long-ago@example.com", "still-open@example.com"):
        assert not _asked(address)


def test_a_report_withdrawn_rather_than_fixed_or_without_an_email_is_not_asked_about(make_report, officer):
    withdrawn = make_report()
    case_services.change_status(case=withdrawn.case, status="withdrawn", by=officer)
    Case.objects.filter(pk=withdrawn.case_id).update(resolved_at=timezone.now() - WEEKS - dt.timedelta(days=1))
    _fixed_ago(make_report, officer, WEEKS + dt.timedelta(days=1), reporter_email="", reporter_name="By phone")

    assert questionnaire.send_due_questionnaires() == 0


def test_the_weeks_are_a_setting(make_report, officer, settings):
    settings.STREETCARE_QUESTIONNAIRE_WEEKS = 2
    _fixed_ago(make_report, officer, dt.timedelta(weeks=2, days=1))

    assert questionnaire.send_due_questionnaires() == 1


@pytest.fixture
def asked(make_report, officer, client):
    """A reporter holding the email that asks whether their report is fixed."""
    report = _fixed_ago(make_report, officer, WEEKS + dt.timedelta(days=1), title="Pothole by the school")
    questionnaire.send_due_questionnaires()
    deliver_all()
    (message,) = _asked("ada.reporter@example.com")
    return report, _answer_url(message)


def test_yes_is_noted_on_the_case_which_stays_closed(client, asked):
    report, url = asked

    page = client.get(url).content.decode()
    assert "Has the problem been fixed?" in page and "Pothole by the school" in page
    response = client.post(url, {"fixed": "yes"})

    assert "We are glad it is fixed." in response.content.decode()
    case = Case.objects.get(pk=report.case_id)
    assert case.is_closed
    note = case.events.get(kind=EventKind.NOTE)
    assert "the reporter said it is" in note.text and not note.public
    answered = FixedQuestionnaire.objects.get()
    assert answered.fixed is True and answered.answered_at is not None


def test_no_reopens_the_case_and_tells_the_team_what_is_wrong(client, asked):
    report, url = asked
    mail.outbox.clear()

    response = client.post(url, {"fixed": "no", "comment": "It has opened up again after the rain."})

    assert "We have reopened your report" in response.content.decode()
    case = Case.objects.get(pk=report.case_id)
    assert not case.is_closed and case.status == "in_progress" and case.has_new_message
    message = case.events.get(kind=EventKind.MESSAGE_IN)
    assert "It has opened up again after the rain." in message.text
    assert case.events.filter(kind=EventKind.REOPENED).exists()
    deliver_all()
    (team,) = [email for email in mail.outbox if email.to == ["streetcare@wexmoor.example"]]
    assert "Reopened" in team.subject and "It has opened up again after the rain." in team.body


def test_no_reopens_even_long_after_the_services_reopen_period(client, asked, potholes):
    report, url = asked
    potholes.reopen_days = 7
    potholes.save(update_fields=["reopen_days"])

    client.post(url, {"fixed": "no"})

    case = Case.objects.get(pk=report.case_id)
    assert not case.is_closed
    assert "the reporter said it is not" in case.events.get(kind=EventKind.MESSAGE_IN).text


def test_an_answer_is_taken_once(client, asked):
    report, url = asked

    client.post(url, {"fixed": "no", "comment": "Still there"})
    with mock.patch("townhall.cases.services.reopen_case") as reopen:
        response = client.post(url, {"fixed": "no", "comment": "Still there"})

    reopen.assert_not_called()
    assert "Thank you for telling us" in response.content.decode()
    assert CaseEvent.objects.filter(case_id=report.case_id, kind=EventKind.REOPENED).count() == 1


def test_an_answer_must_be_chosen(client, asked):
    _report, url = asked

    response = client.post(url, {})

    assert response.status_code == 400
    assert "Select yes if the problem has been fixed" in response.content.decode()
    assert FixedQuestionnaire.objects.get().answered_at is None


def test_an_unknown_link_is_not_found(client):
    assert (
        client.get(reverse("reports:questionnaire", args=["00000000-0000-0000-0000-000000000000"])).status_code == 404
    )
