"""Garden waste's rules: the price of a year (first bin, extra bins, concession), the
pricing rule the catalogue names, and what a change mid-term costs or gives back.

`WASTE_GARDEN_PRORATA` chooses the rule for changes: "prorata" charges (more bins) or
refunds (fewer bins, a cancellation) the difference for the whole months left, rounded
down to the penny; "none" refunds nothing and charges the whole term's difference.
"""

import calendar as months_calendar
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from townhall.catalogue.fees import FREE, Price, PriceLine, register_pricing_rule
from townhall.catalogue.models import Service
from townhall.core.money import format_pence
from townhall.waste.garden_models import GardenChangeKind, GardenSubscription

PRICING_RULE = "garden-waste"
# What a garden waste case asks for (its "request" answer).
SUBSCRIBE, RENEW, CHANGE, CANCEL = "subscribe", "renew", "change", "cancel"
PRORATA, NO_PRORATA = "prorata", "none"


class GardenError(Exception):
    """Something about garden waste that cannot be done, in words for the person who tried."""


@dataclass(frozen=True)
class Prices:
    first_bin: int
    extra_bin: int
    concession_percent: int
    max_bins: int


def current_prices() -> Prices:
    return Prices(
        first_bin=settings.WASTE_GARDEN_FIRST_BIN_PENCE,
        extra_bin=settings.WASTE_GARDEN_EXTRA_BIN_PENCE,
        concession_percent=settings.WASTE_GARDEN_CONCESSION_PERCENT,
        max_bins=settings.WASTE_GARDEN_MAX_BINS,
    )


def price(*, bins: int, concession: bool, prices: Prices | None = None) -> Price:
    """A year of garden waste collections for `bins` bins, line by line."""
    prices = prices or current_prices()
    if not 1 <= bins <= prices.max_bins:
        raise GardenError(f"Choose from 1 to {prices.max_bins} bins.")
    lines = [PriceLine("First garden waste bin, for a year", prices.first_bin)]
    if bins > 1:
        extra = bins - 1
        lines.append(
            PriceLine(
                f"{extra} extra bin{'s' if extra > 1 else ''} × {format_pence(prices.extra_bin)}",
                extra * prices.extra_bin,
            )
        )
    if concession and prices.concession_percent:
        full = sum(line.amount for line in lines)
        lines.append(
            PriceLine(
                f"Council Tax Support discount ({prices.concession_percent}%)",
                -(full * prices.concession_percent // 100),
            )
        )
    return Price(lines)


@register_pricing_rule(PRICING_RULE, "Garden waste: first bin, extra bins and concession, for a year")
def garden_price_rule(service: Service, answers: dict) -> Price:
    """The case's fee, from its answers: a year's price to subscribe or renew. Changes and
    cancellations are priced by `change_quote`, which knows the subscription."""
    if answers.get("request", SUBSCRIBE) not in (SUBSCRIBE, RENEW):
        return FREE
    try:
        bins = int(float(answers.get("bins") or 1))
    except (TypeError, ValueError):
        bins = 1
    bins = min(max(bins, 1), settings.WASTE_GARDEN_MAX_BINS)
    return price(bins=bins, concession=answers.get("concession") == "yes")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, months_calendar.monthrange(year, month)[1]))


def whole_months(start: dt.date, stop: dt.date) -> int:
    """How many whole months fit from `start` up to (not including) `stop`."""
    if stop <= start:
        return 0
    months = (stop.year - start.year) * 12 + stop.month - start.month
    while months > 0 and add_months(start, months) > stop:
        months -= 1
    return months


def term_end(start: dt.date) -> dt.date:
    return add_months(start, settings.WASTE_GARDEN_TERM_MONTHS) - dt.timedelta(days=1)


def term_months(subscription: GardenSubscription) -> int:
    return max(whole_months(subscription.start_date, subscription.end_date + dt.timedelta(days=1)), 1)


def months_left(subscription: GardenSubscription, today: dt.date) -> int:
    """Whole months of the term still to come: all of them before it starts."""
    start = max(today, subscription.start_date)
    return min(whole_months(start, subscription.end_date + dt.timedelta(days=1)), term_months(subscription))


@dataclass(frozen=True)
class Quote:
    """What a change would cost or give back: `amount` is to pay for more bins, to refund
    for fewer bins or a cancellation, in pence."""

    kind: str
    bins_before: int
    bins_after: int
    months_left: int
    term_months: int
    amount: int
    rule: str

    @property
    def to_pay(self) -> int:
        return self.amount if self.kind == GardenChangeKind.MORE else 0

    @property
    def to_refund(self) -> int:
        return self.amount if self.kind != GardenChangeKind.MORE else 0


def _quote(subscription: GardenSubscription, kind: str, bins_after: int, today: dt.date) -> Quote:
    rule = settings.WASTE_GARDEN_PRORATA
    left, term = months_left(subscription, today), term_months(subscription)
    if kind == GardenChangeKind.CANCEL:
        difference = subscription.annual_price(subscription.bins)
    else:
        difference = abs(subscription.annual_price(bins_after) - subscription.annual_price(subscription.bins))
    if rule == PRORATA:  # the whole months left, to the penny, rounded down
        amount = difference * left // term
    elif kind == GardenChangeKind.MORE:  # the whole term's difference
        amount = difference
    else:  # no refunds
        amount = 0
    return Quote(kind, subscription.bins, bins_after, left, term, amount, rule)


def change_quote(subscription: GardenSubscription, *, bins: int, today: dt.date | None = None) -> Quote:
    today = today or timezone.localdate()
    if not 1 <= bins <= settings.WASTE_GARDEN_MAX_BINS:
        raise GardenError(f"Choose from 1 to {settings.WASTE_GARDEN_MAX_BINS} bins.")
    if bins == subscription.bins:
        raise GardenError(f"The subscription is already for {bins} bin{'s' if bins > 1 else ''}.")
    kind = GardenChangeKind.MORE if bins > subscription.bins else GardenChangeKind.FEWER
    return _quote(subscription, kind, bins, today)


def cancel_quote(subscription: GardenSubscription, *, today: dt.date | None = None) -> Quote:
    return _quote(subscription, GardenChangeKind.CANCEL, 0, today or timezone.localdate())


def renewal_opens_on(end: dt.date) -> dt.date:
    return end - dt.timedelta(days=settings.WASTE_GARDEN_RENEWAL_WINDOW_DAYS)
