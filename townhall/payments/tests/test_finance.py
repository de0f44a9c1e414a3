"""The finance pages: the income report, the export for the finance system and the
reconciliation list, and who may see and act on them."""

import csv
import datetime as dt
import io
from contextlib import contextmanager
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse
from django.utils import timezone

from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory, TeamFactory, UserFactory
from townhall.catalogue.models import Channel
from townhall.core.models import AuditEvent
from townhall.core.money import decimal_pounds
from townhall.payments import providers, selectors, services
from townhall.payments.models import (
    LedgerEntry,
    Method,
    Mismatch,
    MismatchKind,
    Payment,
    PaymentStatus,
    SandboxPayment,
)
from townhall.payments.providers.sandbox import SandboxProvider
from townhall.payments.staff_views import safe_cell
from townhall.payments.tests.factories import awaiting_case, paid_service, return_url_for

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
DAY = dt.date(2025, 6, 30)  # British Summer Time: London is an hour ahead of UTC
NOON = dt.datetime(2025, 6, 30, 12, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@contextmanager
def at(when: dt.datetime):
    """Money moves at `when`: the ledger posts it then, on that London day."""
    with mock.patch("django.utils.timezone.now", return_value=when.astimezone(dt.UTC)):
        yield


def _staff(role: Role, **kwargs):
    return StaffFactory(role=role, **kwargs)


@pytest.fixture
def people():
    admin = _staff(Role.COUNCIL_ADMIN, full_name="Ada Admin")
    # Council admins must have an authenticator app to reach /staff/.
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "not-used-in-tests"})
    return {
        "anonymous": None,
        "resident": UserFactory(),
        "agent": _staff(Role.AGENT, full_name="Amir Agent"),
        "officer": _staff(Role.OFFICER, full_name="Olu Officer"),
        "auditor": _staff(Role.AUDITOR, full_name="Aude Auditor"),
        "manager": _staff(Role.TEAM_MANAGER, full_name="Maggie Manager"),
        "admin": admin,
    }


@pytest.fixture
def login(client, people):
    def sign_in(name: str):
        client.logout()
        if people[name] is not None:
            client.force_login(people[name])
        return client

    return sign_in


def pay_online(case, *, channel=Channel.WEB, by=None) -> Payment:
    payment = services.start_payment(
        case=case, channel=channel, by=by, return_url_for=return_url_for, after_url="/after/"
    )
    SandboxProvider().complete(payment.provider_id, "success")
    return services.refresh_payment(payment)


def refund_card(payment: Payment, amount: int, by) -> None:
    refund = services.request_refund(payment=payment, amount=amount, reason="Cancelled", by=by)
    services.send_refund({"refund_id": refund.pk}, f"refund:{refund.pk}")


@pytest.fixture
def day_of_money(people):
    """On 30 June 2025: two funds, three channels, a partial cash refund and a full card one."""
    waste = paid_service(fee_pence=3500, fund_code="WASTE-BULKY")
    permits = paid_service(
        fee_pence=5000,
        fund_code="PARKING",
        name="Apply for a parking permit",
        team=TeamFactory(name="Parking", slug="parking"),
    )
    online, at_counter = awaiting_case(waste), awaiting_case(waste, channel=Channel.FACE_TO_FACE)
    by_phone = awaiting_case(permits, channel=Channel.PHONE)
    manager, agent = people["manager"], people["agent"]
    with at(NOON):
        pay_online(online)
        cash = services.record_counter_payment(case=at_counter, method=Method.CASH, receipt_number="T-1", by=agent)
        services.request_refund(payment=cash, amount=1000, reason="One item not collected", by=manager)
        phone = pay_online(by_phone, channel=Channel.PHONE, by=agent)
        refund_card(phone, 5000, manager)
    return {"online": online, "at_counter": at_counter, "by_phone": by_phone}


def _by_key(rows) -> dict:
    return {row.key: row.totals for row in rows}


# The report's sums


def test_the_report_sums_payments_and_refunds_by_fund_and_by_channel(day_of_money):
    report = selectors.income_report(start=DAY, end=DAY)

    funds = _by_key(report.fund_totals)
    assert funds[("WASTE-BULKY",)] == selectors.Totals(payments=2, income=7000, refunds=1, refunded=1000, net=6000)
    assert funds[("PARKING",)] == selectors.Totals(payments=1, income=5000, refunds=1, refunded=5000, net=0)
    channels = _by_key(report.channel_totals)
    assert channels == {
        ("web", "card_online"): selectors.Totals(payments=1, income=3500, net=3500),
        ("face_to_face", "cash"): selectors.Totals(payments=1, income=3500, refunds=1, refunded=1000, net=2500),
        ("phone", "card_phone"): selectors.Totals(payments=1, income=5000, refunds=1, refunded=5000, net=0),
    }
    assert report.total == selectors.Totals(payments=3, income=12000, refunds=2, refunded=6000, net=6000)
    assert [row.day for row in report.by_fund] == [DAY, DAY]


def test_a_day_runs_from_midnight_to_midnight_london_time_in_summer(people):
    case_before, case_after = awaiting_case(), awaiting_case()
    clerk = people["agent"]
    # 23:59 in London is 22:59 UTC on the 30th; 00:30 in London is still the 30th in UTC.
    with at(dt.datetime(2025, 6, 30, 23, 59, tzinfo=LONDON)):
        services.record_counter_payment(case=case_before, method=Method.CASH, receipt_number="", by=clerk)
    with at(dt.datetime(2025, 7, 1, 0, 30, tzinfo=LONDON)):
        services.record_counter_payment(case=case_after, method=Method.CHEQUE, receipt_number="", by=clerk)

    june = selectors.income_report(start=DAY, end=DAY)
    july = selectors.income_report(start=dt.date(2025, 7, 1), end=dt.date(2025, 7, 1))
    both = selectors.income_report(start=DAY, end=dt.date(2025, 7, 1))

    assert _by_key(june.channel_totals).keys() == {("face_to_face", "cash")}
    assert _by_key(july.channel_totals).keys() == {("face_to_face", "cheque")}
    assert [(row.day, row.key) for row in both.by_channel] == [
        (DAY, ("face_to_face", "cash")),
        (dt.date(2025, 7, 1), ("face_to_face", "cheque")),
    ]
    assert both.total.income == 7000 and both.days == 2


def test_a_range_of_days_shows_each_day_under_the_totals(people, login):
    clerk = people["agent"]
    with at(NOON):
        services.record_counter_payment(case=awaiting_case(), method=Method.CASH, receipt_number="", by=clerk)
    with at(NOON + dt.timedelta(days=1)):
        services.record_counter_payment(case=awaiting_case(), method=Method.CHEQUE, receipt_number="", by=clerk)

    response = login("manager").get(
        reverse("finance:report"),
        {"start_0": "30", "start_1": "6", "start_2": "2025", "end_0": "1", "end_1": "7", "end_2": "2025"},
    )

    page = response.content.decode()
    assert "30 June 2025 to 1 July 2025 (2 days)" in page
    assert "Day by day, by fund code" in page
    assert "Mon 30 Jun 2025" in page and "Tue 1 Jul 2025" in page


def test_the_report_page_shows_money_in_pounds_by_fund_and_channel(day_of_money, login):
    response = login("manager").get(
        reverse("finance:report"),
        {"start_0": "30", "start_1": "6", "start_2": "2025", "end_0": "30", "end_1": "6", "end_2": "2025"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["report"].total.net == 6000
    for text in ("WASTE-BULKY", "PARKING", "£70", "£120", "£60", "Face to face: Cash", "Phone: Card, by phone"):
        assert text in page
    assert "govuk-table__cell--numeric" in page
    assert "?start=2025-06-30&amp;end=2025-06-30" in page
    assert 'aria-current="page"' in page


def test_the_report_opens_on_the_last_seven_days_today_included(login):
    today = timezone.localdate()

    response = login("auditor").get(reverse("finance:report"))

    assert (response.context["report"].start, response.context["report"].end) == (today - dt.timedelta(days=6), today)
    assert "No money was taken or refunded on these days." in response.content.decode()


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (("1", "1", "2024"), ("2", "1", "2025"), "end", "366 days apart or fewer"),
        (("2", "6", "2025"), ("1", "6", "2025"), "end", "same as or after the start date"),
        (("31", "2", "2025"), ("1", "3", "2025"), "start", "Date must be a real date"),
        (("", "", ""), ("1", "3", "2025"), "start", "Enter the start date"),
        (("1", "3", "2025"), ("1", "", "2025"), "end", "Date must include a month"),
        (("1", "3", "2025"), ("1", "1", "2999"), "end", "today or in the past"),
    ],
)
def test_the_report_refuses_wrong_dates_beside_the_field(start, end, field, message, login):
    query = {f"start_{n}": part for n, part in enumerate(start)} | {f"end_{n}": part for n, part in enumerate(end)}

    response = login("manager").get(reverse("finance:report"), query)

    page = response.content.decode()
    assert response.context["report"] is None
    assert message in str(response.context["form"].errors[field])
    assert "govuk-error-summary" in page and f'href="#id_{field}_0"' in page
    assert f'id="id_{field}-error"' in page


def test_a_year_with_a_leap_day_is_not_too_long(login):
    query = {"start_0": "1", "start_1": "3", "start_2": "2024", "end_0": "28", "end_1": "2", "end_2": "2025"}

    response = login("manager").get(reverse("finance:report"), query)

    assert response.context["report"].days == 365
    assert not response.context["form"].errors


@pytest.mark.parametrize("rows", [3, 30])
def test_the_report_takes_the_same_queries_however_many_rows(rows, login, django_assert_max_num_queries):
    case = awaiting_case()
    for number in range(rows):
        payment = Payment.objects.create(
            case=case,
            amount=100,
            description="x",
            fund_code=f"FUND-{number}",
            channel=Channel.WEB,
            method=Method.CARD_ONLINE,
            provider="sandbox",
            status=PaymentStatus.SUCCESS,
        )
        LedgerEntry.objects.create(
            kind="payment",
            amount=100,
            fund_code=payment.fund_code,
            channel=payment.channel,
            method=payment.method,
            provider="sandbox",
            payment=payment,
            case=case,
            posted_on=DAY,
        )
    client = login("manager")
    query = {"start_0": "30", "start_1": "6", "start_2": "2025", "end_0": "30", "end_1": "6", "end_2": "2025"}

    with django_assert_max_num_queries(4):
        response = client.get(reverse("finance:report"), query)

    assert len(response.context["report"].fund_totals) == rows


# The export


def _csv(response) -> list[list[str]]:
    assert response.streaming
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_ledger_export_has_a_line_per_entry_in_pence_and_pounds(day_of_money, login, people):
    response = login("manager").get(reverse("finance:ledger_csv"), {"start": "2025-06-30", "end": "2025-06-30"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="townhall-ledger-2025-06-30-to-2025-06-30.csv"'
    header, *lines = _csv(response)
    assert header == [
        "posted_on",
        "posted_at",
        "kind",
        "fund_code",
        "channel",
        "method",
        "provider",
        "amount_pence",
        "amount_pounds",
        "case_reference",
        "payment_reference",
        "provider_payment_id",
        "provider_refund_id",
    ]
    assert len(lines) == 5
    rows = [dict(zip(header, line, strict=True)) for line in lines]
    assert {row["posted_on"] for row in rows} == {"2025-06-30"}
    assert rows[0]["posted_at"] == "2025-06-30T12:00:00+01:00"
    cash_refund = next(row for row in rows if row["kind"] == "refund" and row["method"] == "cash")
    assert (cash_refund["amount_pence"], cash_refund["amount_pounds"]) == ("-1000", "-10.00")
    counter_case = day_of_money["at_counter"]
    cash = counter_case.payments.get()
    assert cash_refund["case_reference"] == counter_case.reference
    assert cash_refund["payment_reference"] == cash.receipt_reference
    card_refund = next(row for row in rows if row["kind"] == "refund" and row["method"] == "card_phone")
    phone = day_of_money["by_phone"].payments.get()
    assert card_refund["provider_payment_id"] == phone.provider_id
    assert card_refund["provider_refund_id"] == phone.refunds.get().provider_refund_id
    assert (card_refund["amount_pence"], card_refund["amount_pounds"]) == ("-5000", "-50.00")
    assert sum(int(row["amount_pence"]) for row in rows) == 6000
    assert AuditEvent.objects.filter(action="payment.ledger_exported", actor=people["manager"]).exists()


def test_the_fund_totals_export_has_a_line_per_day_and_fund(day_of_money, login):
    response = login("auditor").get(reverse("finance:fund_totals_csv"), {"start": "2025-06-30", "end": "2025-06-30"})

    assert "townhall-fund-totals-2025-06-30-to-2025-06-30.csv" in response["Content-Disposition"]
    header, *lines = _csv(response)
    assert header[:5] == ["posted_on", "fund_code", "payments", "income_pence", "income_pounds"]
    assert lines == [
        ["2025-06-30", "PARKING", "1", "5000", "50.00", "1", "5000", "50.00", "0", "0.00"],
        ["2025-06-30", "WASTE-BULKY", "2", "7000", "70.00", "1", "1000", "10.00", "6000", "60.00"],
    ]


def test_the_export_stops_spreadsheets_running_text_as_a_formula(login, people):
    service = paid_service(fund_code="=HYPERLINK(1)")
    payment = services.record_counter_payment(
        case=awaiting_case(service), method=Method.CASH, receipt_number="", by=people["agent"]
    )
    services.request_refund(payment=payment, amount=3500, reason="Cancelled", by=people["manager"])
    today = timezone.localdate().isoformat()

    response = login("manager").get(reverse("finance:ledger_csv"), {"start": today, "end": today})

    header, *lines = _csv(response)
    fund, pence, pounds = header.index("fund_code"), header.index("amount_pence"), header.index("amount_pounds")
    assert {line[fund] for line in lines} == {"'=HYPERLINK(1)"}
    assert sorted((line[pence], line[pounds]) for line in lines) == [("-3500", "-35.00"), ("3500", "35.00")]


@pytest.mark.parametrize(
    ("text", "safe"),
    [("=1+1", "'=1+1"), ("+44", "'+44"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("A-1", "A-1")],
)
def test_a_cell_that_would_start_a_formula_gets_an_apostrophe(text, safe):
    assert safe_cell(text) == safe


@pytest.mark.parametrize(
    ("pence", "pounds"), [(0, "0.00"), (5, "0.05"), (-5, "-0.05"), (3500, "35.00"), (-123456, "-1234.56")]
)
def test_pounds_in_the_export_are_worked_out_from_whole_pence(pence, pounds):
    assert decimal_pounds(pence) == pounds


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"start": "2025-06-30"},
        {"start": "30/06/2025", "end": "2025-06-30"},
        {"start": "2024-01-01", "end": "2025-06-30"},
    ],
)
def test_the_export_refuses_a_missing_or_wrong_range(query, login):
    response = login("manager").get(reverse("finance:ledger_csv"), query)

    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="payment.ledger_exported").exists()


# Reconciliation


def _mismatch(number: int, *, payment: Payment | None = None, **fields) -> Mismatch:
    return Mismatch.objects.create(
        found_on=fields.pop("found_on", DAY),
        provider="sandbox",
        kind=fields.pop("kind", MismatchKind.STATUS),
        provider_id=f"provider-{number}",
        payment=payment,
        detail=f"Mismatch number {number}",
        **fields,
    )


def test_the_reconciliation_lists_open_mismatches_newest_first_with_their_case(login):
    payment = pay_online(awaiting_case())
    older = _mismatch(1, found_on=DAY - dt.timedelta(days=3))
    newer = _mismatch(2, payment=payment)
    _mismatch(3, resolved_at=timezone.now(), resolution="Refunded")

    response = login("auditor").get(reverse("finance:reconciliation"))

    page = response.content.decode()
    assert list(response.context["page"].object_list) == [newer, older]
    assert reverse("console:case", args=[payment.case.reference]) in page
    assert "Mismatch number 3" not in page
    # Auditors read: they are offered neither resolving nor checking again.
    assert reverse("finance:resolve", args=[newer.pk]) not in page
    assert reverse("finance:recheck") not in page


def test_a_manager_is_offered_resolving_and_checking_again(login):
    mismatch = _mismatch(1)

    page = login("manager").get(reverse("finance:reconciliation")).content.decode()

    assert reverse("finance:resolve", args=[mismatch.pk]) in page
    assert reverse("finance:recheck") in page


@pytest.mark.parametrize("rows", [3, 30])
def test_the_reconciliation_takes_the_same_queries_however_many_rows(rows, login, django_assert_max_num_queries):
    case = awaiting_case()
    for number in range(rows):
        payment = Payment.objects.create(
            case=case,
            amount=100,
            description="x",
            channel=Channel.WEB,
            method=Method.CARD_ONLINE,
            provider="sandbox",
            status=PaymentStatus.FAILED,
        )
        _mismatch(number, payment=payment)
    client = login("manager")

    with django_assert_max_num_queries(4):
        response = client.get(reverse("finance:reconciliation"))

    assert len(response.context["page"].object_list) == rows


def test_resolving_a_mismatch_records_who_what_and_when(login, people):
    mismatch = _mismatch(1)

    response = login("manager").post(reverse("finance:resolve", args=[mismatch.pk]), {"resolution": "Refunded it"})

    assert response.url == reverse("finance:reconciliation")
    mismatch.refresh_from_db()
    assert mismatch.resolved_at is not None and mismatch.resolved_by == people["manager"]
    assert mismatch.resolution == "Refunded it"
    event = AuditEvent.objects.get(action="payment.mismatch_resolved")
    assert event.actor == people["manager"] and event.target_id == str(mismatch.pk)
    assert not selectors.open_mismatches().exists()


@pytest.mark.parametrize("note", ["", "   ", "x" * 501])
def test_resolving_needs_a_note_of_what_was_done(note, login):
    mismatch = _mismatch(1)

    response = login("admin").post(reverse("finance:resolve", args=[mismatch.pk]), {"resolution": note})

    assert response.status_code == 200
    assert response.context["form"].errors["resolution"]
    assert "govuk-error-summary" in response.content.decode()
    mismatch.refresh_from_db()
    assert mismatch.resolved_at is None
    assert not AuditEvent.objects.filter(action="payment.mismatch_resolved").exists()


def test_resolving_twice_keeps_the_first_resolution(login, people):
    mismatch = _mismatch(1)
    client = login("manager")
    client.post(reverse("finance:resolve", args=[mismatch.pk]), {"resolution": "First"})

    response = client.post(reverse("finance:resolve", args=[mismatch.pk]), {"resolution": "Second"}, follow=True)

    mismatch.refresh_from_db()
    assert mismatch.resolution == "First"
    assert "already been resolved" in response.content.decode()
    assert AuditEvent.objects.filter(action="payment.mismatch_resolved").count() == 1


def test_checking_a_day_again_reports_the_new_mismatches(login, people):
    provider = SandboxProvider()
    taken = provider.create_payment(amount=1200, reference="WX-NOTOURS", description="x", return_url="http://t/")
    provider.complete(taken.provider_id, "success")
    today = timezone.localdate()
    client = login("manager")
    day = {"day_0": today.day, "day_1": today.month, "day_2": today.year}

    first = client.post(reverse("finance:recheck"), day, follow=True)
    again = client.post(reverse("finance:recheck"), day, follow=True)

    assert "1 new mismatch found" in first.content.decode()
    assert "0 new mismatches found" in again.content.decode()
    assert Mismatch.objects.get().kind == MismatchKind.UNKNOWN_TO_TOWNHALL
    assert AuditEvent.objects.filter(action="payment.reconciled", actor=people["manager"]).count() == 2


def test_checking_a_day_while_the_provider_is_down_says_so_and_changes_nothing(login, settings):
    provider = SandboxProvider()
    provider.complete(
        provider.create_payment(amount=1, reference="r", description="d", return_url="u").provider_id, "success"
    )
    settings.PAYMENTS_SANDBOX_OUTAGE = True
    today = timezone.localdate()

    response = login("admin").post(
        reverse("finance:recheck"), {"day_0": today.day, "day_1": today.month, "day_2": today.year}
    )

    assert response.status_code == 200
    assert "could not be reached" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert not Mismatch.objects.exists()
    assert not AuditEvent.objects.filter(action="payment.reconciled").exists()


def test_checking_a_day_the_provider_refuses_to_list_says_so(login):
    today = timezone.localdate()
    refused = providers.ProviderRefused("Invalid date range", code="P0401", status=422)

    with mock.patch.object(SandboxProvider, "search_payments", side_effect=refused):
        response = login("manager").post(
            reverse("finance:recheck"), {"day_0": today.day, "day_1": today.month, "day_2": today.year}
        )

    assert response.status_code == 200
    assert "refused to list" in response.content.decode()
    assert not AuditEvent.objects.filter(action="payment.reconciled").exists()


def test_checking_a_day_needs_a_real_day_not_in_the_future(login):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    response = login("manager").post(
        reverse("finance:recheck"), {"day_0": tomorrow.day, "day_1": tomorrow.month, "day_2": tomorrow.year}
    )

    assert "today or in the past" in str(response.context["form"].errors["day"])
    assert not AuditEvent.objects.filter(action="payment.reconciled").exists()


# Who may see and do what

READ_PAGES = ["report", "ledger_csv", "fund_totals_csv", "reconciliation"]
RANGE = {"start": "2025-06-30", "end": "2025-06-30"}


def _read(client, page: str):
    query = RANGE if page.endswith("_csv") else {}
    return client.get(reverse(f"finance:{page}"), query)


def _snapshot(mismatch: Mismatch) -> tuple:
    mismatch.refresh_from_db()
    return (
        mismatch.resolved_at,
        mismatch.resolution,
        Mismatch.objects.count(),
        AuditEvent.objects.filter(action__startswith="payment.").count(),
    )


def _writes(client, mismatch: Mismatch, day: dt.date) -> list:
    return [
        client.get(reverse("finance:resolve", args=[mismatch.pk])),
        client.post(reverse("finance:resolve", args=[mismatch.pk]), {"resolution": "Done"}),
        client.post(reverse("finance:recheck"), {"day_0": day.day, "day_1": day.month, "day_2": day.year}),
    ]


@pytest.fixture
def unknown_payment():
    """Money the provider took today that Townhall never heard of: what a re-check would find."""
    provider = SandboxProvider()
    provider.complete(
        provider.create_payment(amount=1, reference="r", description="d", return_url="u").provider_id, "success"
    )
    return SandboxPayment.objects.get()


@pytest.mark.parametrize("page", READ_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(page, login):
    response = _read(login("anonymous"), page)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("who", ["resident", "agent", "officer"])
@pytest.mark.parametrize("page", READ_PAGES)
def test_people_without_a_finance_role_are_refused_every_page(page, who, login):
    assert _read(login(who), page).status_code == 403


@pytest.mark.parametrize("who", ["auditor", "manager", "admin"])
@pytest.mark.parametrize("page", READ_PAGES)
def test_finance_roles_read_every_page(page, who, login):
    assert _read(login(who), page).status_code == 200


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("resident", 403), ("agent", 403), ("officer", 403), ("auditor", 403)]
)
def test_only_managers_and_admins_resolve_or_check_again(who, status, login, unknown_payment):
    mismatch = _mismatch(1)
    before = _snapshot(mismatch)

    responses = _writes(login(who), mismatch, timezone.localdate())

    assert [response.status_code for response in responses] == [status] * 3
    if who == "anonymous":
        assert all(response.url.startswith(reverse("account_login")) for response in responses)
    assert _snapshot(mismatch) == before


@pytest.mark.parametrize("who", ["manager", "admin"])
def test_managers_and_admins_resolve_and_check_again(who, login, unknown_payment):
    mismatch = _mismatch(1)

    responses = _writes(login(who), mismatch, timezone.localdate())

    assert [response.status_code for response in responses] == [200, 302, 302]
    mismatch.refresh_from_db()
    assert mismatch.resolution == "Done"
    assert Mismatch.objects.filter(kind=MismatchKind.UNKNOWN_TO_TOWNHALL).exists()


@pytest.mark.parametrize(("who", "offered"), [("auditor", True), ("manager", True), ("officer", False)])
def test_the_console_offers_payments_to_finance_roles(who, offered, login):
    page = login(who).get(reverse("console:dashboard")).content.decode()

    assert (f'href="{reverse("finance:report")}"' in page) is offered


def test_the_payments_item_is_marked_active_on_the_finance_pages(login):
    response = login("manager").get(reverse("finance:reconciliation"))

    active = [item["label"] for item in response.context["console_navigation"] if item["active"]]
    assert active == ["Payments"]
