import pytest
from django.core import mail
from django.utils import timezone

from townhall.cases.services import Requester, submit_case
from townhall.catalogue.models import NotificationEvent, NotificationTemplate
from townhall.catalogue.tests.factories import ServiceFactory
from townhall.core import outbox
from townhall.core.models import OutboxMessage
from townhall.notifications.backends import DemoMailboxBackend
from townhall.notifications.delivery import send_email
from townhall.notifications.models import DemoMailboxMessage, Notification, NotificationStatus
from townhall.notifications.placeholders import fill_placeholders, placeholder_error, placeholders_for
from townhall.notifications.services import notify_requester
from townhall.notifications.templates_default import DEFAULT_TEMPLATES

pytestmark = pytest.mark.django_db

ANSWERS = {"details": "Bin not emptied", "urgent": "no"}


def submit(service):
    return submit_case(
        service=service, answers=ANSWERS, channel="web", requester=Requester(name="Ada", email="ada@example.com")
    )


def test_placeholders_are_filled_and_unknown_ones_left_visible():
    assert fill_placeholders("Ref ((reference)) ((nope))", {"reference": "WX-1"}) == "Ref WX-1 ((nope))"


@pytest.mark.parametrize("event", NotificationEvent.values)
def test_each_default_email_uses_only_its_events_placeholders(event):
    subject, body = DEFAULT_TEMPLATES[event]

    assert placeholder_error(subject + body, event) is None


# What each event's sender gives: the update's text, or a receipt's payment details.
GIVEN = {
    NotificationEvent.SUBMITTED: {},
    NotificationEvent.PUBLIC_UPDATE: {"update": "We are on our way."},
    NotificationEvent.RESOLVED: {"update": "Fixed."},
    NotificationEvent.MESSAGE: {"update": "Which side of the road?"},
    NotificationEvent.PAYMENT_RECEIVED: {
        "extra": {"amount": "£35", "payment_reference": "7F3A", "paid_at": "1 May 2026, 9:00am", "method": "card"}
    },
    NotificationEvent.REFUNDED: {"extra": {"amount": "£35"}},
}


@pytest.mark.parametrize("event", NotificationEvent.values)
def test_every_placeholder_an_event_offers_is_filled_in(event):
    service = ServiceFactory()
    case = submit(service)
    every = " ".join(f"(({name}))" for name in placeholders_for(event))
    NotificationTemplate.objects.create(service=service, event=event, subject="((reference))", body=every)

    notification = notify_requester(case=case, event=event, **GIVEN[event])

    assert "((" not in notification.body
    assert case.reference in notification.body


def test_an_event_given_a_value_it_does_not_offer_is_a_mistake_in_the_code():
    case = submit(ServiceFactory())

    with pytest.raises(ValueError, match="amount"):
        notify_requester(case=case, event=NotificationEvent.PUBLIC_UPDATE, update="x", extra={"amount": "£5"})
    with pytest.raises(ValueError, match="payment_reference"):
        notify_requester(case=case, event=NotificationEvent.PAYMENT_RECEIVED, extra={"amount": "£5"})


def test_the_submission_email_is_sent_once_after_commit(django_capture_on_commit_callbacks):
    service = ServiceFactory()
    with django_capture_on_commit_callbacks(execute=True):
        case = submit(service)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.com"]
    assert case.reference in mail.outbox[0].body
    notification = Notification.objects.get(case=case)
    assert notification.status == NotificationStatus.SENT

    # A repeated delivery (the relay retried after a crash) sends nothing more.
    send_email({"notification_id": notification.pk}, f"notification:{notification.pk}")
    assert len(mail.outbox) == 1


def test_an_email_that_fails_is_kept_and_retried(settings, monkeypatch):
    service = ServiceFactory()
    case = submit(service)

    def provider_down(**kwargs):
        raise ConnectionError("SMTP refused")

    monkeypatch.setattr(
        "townhall.notifications.providers.django_email.DjangoEmailProvider.send_email",
        lambda self, **kw: provider_down(),
    )
    outbox.relay()
    assert Notification.objects.get(case=case).status == NotificationStatus.QUEUED

    monkeypatch.undo()

    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    outbox.relay()
    assert Notification.objects.get(case=case).status == NotificationStatus.SENT
    assert len(mail.outbox) == 1


def test_a_service_template_overrides_the_council_default():
    service = ServiceFactory(name="Missed bin")
    NotificationTemplate.objects.create(event=NotificationEvent.SUBMITTED, subject="Council default", body="x")
    NotificationTemplate.objects.create(
        service=service, event=NotificationEvent.SUBMITTED, subject="Missed bin ((reference))", body="We will return."
    )

    case = submit(service)

    notification = Notification.objects.get(case=case)
    assert notification.subject == f"Missed bin {case.reference}"
    assert notification.body == "We will return."


def test_the_demo_mailbox_keeps_what_was_sent():
    from django.core.mail import EmailMessage

    DemoMailboxBackend().send_messages([EmailMessage("Hello", "Body", "from@example.com", ["to@example.com"])])

    message = DemoMailboxMessage.objects.get()
    assert (message.to, message.subject, message.body) == ("to@example.com", "Hello", "Body")
