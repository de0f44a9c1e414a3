"""Reads about money that staff pages and the finance export share.

Everything here reads the ledger (`LedgerEntry`), never payments or refunds: the ledger
is what money actually moved, posted once on the London day it moved. Totals are summed
by PostgreSQL, so the income report takes two queries whether a day had three payments
or thirty thousand.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from townhall.cases.models import Case
from townhall.catalogue.models import Channel
from townhall.payments.models import EntryKind, LedgerEntry, Method, Mismatch, Payment, PaymentStatus

# The longest range the report and the export cover at once: a year, leap day included.
MAX_RANGE_DAYS = 366

_IS_PAYMENT = Q(kind=EntryKind.PAYMENT)
_IS_REFUND = Q(kind=EntryKind.REFUND)
_MEASURES = {
    "payments": Count("id", filter=_IS_PAYMENT),
    "income": Coalesce(Sum("amount", filter=_IS_PAYMENT), 0),
    "refunds": Count("id", filter=_IS_REFUND),
    # Refund entries are negative; the report shows refunds as the (positive) money given back.
    "refunded": Coalesce(-Sum("amount", filter=_IS_REFUND), 0),
    "net": Coalesce(Sum("amount"), 0),
}


@dataclass
class Totals:
    """Counts and sums in pence: `income` taken, `refunded` given back (positive), `net`."""

    payments: int = 0
    income: int = 0
    refunds: int = 0
    refunded: int = 0
    net: int = 0

    def add(self, other: "Totals") -> None:
        self.payments += other.payments
        self.income += other.income
        self.refunds += other.refunds
        self.refunded += other.refunded
        self.net += other.net


@dataclass
class ReportRow:
    """One line of the report: a day and what it is grouped by (a fund, or a channel and method)."""

    day: dt.date
    key: tuple[str, ...]
    label: str
    totals: Totals


@dataclass
class IncomeReport:
    start: dt.date
    end: dt.date
    by_fund: list[ReportRow]
    by_channel: list[ReportRow]
    fund_totals: list[ReportRow] = field(default_factory=list)  # the whole range, per fund
    channel_totals: list[ReportRow] = field(default_factory=list)  # the whole range, per channel and method
    total: Totals = field(default_factory=Totals)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _entries(start: dt.date, end: dt.date) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(posted_on__gte=start, posted_on__lte=end)


def _rows(start: dt.date, end: dt.date, group_by: Iterable[str]) -> list[dict]:
    group_by = list(group_by)
    return list(
        _entries(start, end)
        .order_by()
        .values("posted_on", *group_by)
        .annotate(**_MEASURES)
        .order_by("posted_on", *group_by)
    )


def _totals(row: dict) -> Totals:
    return Totals(**{name: row[name] for name in _MEASURES})


def _roll_up(rows: list[ReportRow]) -> list[ReportRow]:
    """The same rows added up over every day of the range, in the first day's order of keys."""
    summed: dict[tuple[str, ...], ReportRow] = {}
    for row in rows:
        into = summed.setdefault(row.key, ReportRow(day=row.day, key=row.key, label=row.label, totals=Totals()))
        into.totals.add(row.totals)
    return sorted(summed.values(), key=lambda row: row.key)


def fund_label(fund_code: str) -> str:
    return fund_code or "(no fund code)"


def channel_label(channel: str, method: str) -> str:
    channel_name = Channel(channel).label if channel in Channel.values else channel
    method_name = Method(method).label if method in Method.values else method
    return f"{channel_name}: {method_name}"


def income_report(*, start: dt.date, end: dt.date) -> IncomeReport:
    """Income, refunds and net per London day by fund code, and by channel and payment
    method, with the same added up over the range. Two queries, both grouped in SQL."""
    by_fund = [
        ReportRow(
            day=row["posted_on"], key=(row["fund_code"],), label=fund_label(row["fund_code"]), totals=_totals(row)
        )
        for row in _rows(start, end, ["fund_code"])
    ]
    by_channel = [
        ReportRow(
            day=row["posted_on"],
            key=(row["channel"], row["method"]),
            label=channel_label(row["channel"], row["method"]),
            totals=_totals(row),
        )
        for row in _rows(start, end, ["channel", "method"])
    ]
    total = Totals()
    for row in by_fund:
        total.add(row.totals)
    return IncomeReport(
        start=start,
        end=end,
        by_fund=by_fund,
        by_channel=by_channel,
        fund_totals=_roll_up(by_fund),
        channel_totals=_roll_up(by_channel),
        total=total,
    )


LEDGER_COLUMNS = (
    "posted_on",
    "posted_at",
    "kind",
    "amount",
    "fund_code",
    "channel",
    "method",
    "provider",
    "case__reference",
    "payment__public_id",
    "payment__provider_id",
    "refund__provider_refund_id",
)


def ledger_rows(start: dt.date, end: dt.date) -> Iterator[dict]:
    """Every ledger entry posted from `start` to `end` (London days), oldest first, as
    dicts of LEDGER_COLUMNS: read in chunks through a server-side cursor, so an export
    of a year streams without holding it all in memory."""
    return (
        _entries(start, end).order_by("posted_on", "posted_at", "id").values(*LEDGER_COLUMNS).iterator(chunk_size=2000)
    )


def open_mismatches() -> QuerySet[Mismatch]:
    """What reconciliation found that nobody has resolved yet, newest first, with each
    payment's case for its link."""
    return (
        Mismatch.objects.filter(resolved_at__isnull=True).select_related("payment__case").order_by("-found_on", "-id")
    )


def customer_payments(cases: QuerySet[Case]) -> QuerySet[Payment]:
    """Money paid and refunded on these cases (a customer's, as the viewer may see them),
    newest first, for the 360 view: one query."""
    return (
        Payment.objects.filter(case__in=cases.values("pk"), status=PaymentStatus.SUCCESS)
        .select_related("case__service")
        .order_by("-paid_at", "-id")
    )


def receipts_for(case) -> QuerySet[Payment]:
    """The payments the resident made for a request, with what was refunded of each."""
    return case.payments.filter(status=PaymentStatus.SUCCESS).order_by("paid_at", "id")


def resident_payments(user) -> QuerySet[Payment]:
    """Every payment a resident made, on any channel, newest first."""
    if not user.is_authenticated or not user.is_active:
        return Payment.objects.none()
    return (
        Payment.objects.filter(case__customer__user=user, status=PaymentStatus.SUCCESS)
        .select_related("case__service")
        .order_by("-paid_at", "-id")
    )
