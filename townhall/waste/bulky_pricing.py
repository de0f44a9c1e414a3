"""Bulky waste's prices and refund rules: the catalogue of items (`BulkyItem`), priced
one by one or by bands of how many there are (`BulkyPriceBand`), the pricing rule the
catalogue service names, and the refund rules officers pick for it.

An item with a price of its own costs that each; the items without one are counted
together and cost the price of the smallest band that covers them. The price always
comes from here, on the server: from the items chosen while booking, and from the case's
answer ("2 × Sofa" a line) for the pricing rule.
"""

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from townhall.bookings import rules as booking_rules
from townhall.bookings import services as bookings
from townhall.catalogue.fees import Price, PriceLine, register_pricing_rule, register_refund_rule
from townhall.catalogue.models import Service
from townhall.waste.models import BulkyBooking, BulkyItem, BulkyPriceBand

PRICING_RULE = "bulky-waste"
REFUND_RULE_CUTOFF = "bulky-waste-cutoff"
REFUND_RULE_HOURS = "bulky-waste-hours"


class BulkyError(Exception):
    """Something that cannot be booked or changed, in words for the person who tried."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def collection_time() -> dt.time:
    return dt.time(settings.WASTE_BULKY_COLLECTION_HOUR)


def collection_starts(day: dt.date) -> dt.datetime:
    """When the crews start on `day`: residents put their items out by then."""
    return dt.datetime.combine(day, collection_time(), tzinfo=booking_rules.london())


def day_text(day: dt.date) -> str:
    return date_format(day, "l j F Y")


def clock_text(moment: dt.datetime) -> str:
    """A moment's time of day on London's clocks: 2:45pm."""
    return time_text(timezone.localtime(moment, timezone=booking_rules.london()).time().replace(second=0))


def time_text(moment: dt.time) -> str:
    """6am, 6:30am, midday: GOV.UK's style."""
    if moment == dt.time(12, 0):
        return _("midday")
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


# The catalogue and its prices


def active_items() -> list[BulkyItem]:
    return list(BulkyItem.objects.filter(active=True))


def price_bands() -> list[BulkyPriceBand]:
    return list(BulkyPriceBand.objects.all())


def max_items() -> int:
    return settings.WASTE_BULKY_MAX_ITEMS


def item_lines(selection: dict[str, int], items: list[BulkyItem] | None = None) -> list[dict]:
    """The chosen items (slug: how many) as a booking keeps them, priced at today's prices,
    in the catalogue's order. Raises BulkyError for an item not in the catalogue."""
    items = active_items() if items is None else items
    by_slug = {item.slug: item for item in items}
    unknown = [slug for slug, quantity in selection.items() if quantity and slug not in by_slug]
    if unknown:
        raise BulkyError(_("Choose items from the list"))
    return [
        {"slug": item.slug, "name": item.name, "quantity": selection[item.slug], "price": item.price_pence}
        for item in items
        if selection.get(item.slug, 0) > 0
    ]


def quantity_of(lines: list[dict]) -> int:
    return sum(line["quantity"] for line in lines)


def check_quantity(lines: list[dict]) -> None:
    count = quantity_of(lines)
    if count < 1:
        raise BulkyError(_("Choose at least one item"), code="no_items")
    if count > max_items():
        raise BulkyError(
            ngettext(
                "You can book up to %(max)s item in one collection",
                "You can book up to %(max)s items in one collection",
                max_items(),
            )
            % {"max": max_items()},
            code="too_many",
        )


def price_of(lines: list[dict], bands: list[BulkyPriceBand] | None = None) -> Price:
    """Items with a price of their own cost that each; the others, counted together, cost
    the price of the smallest band that covers them. Raises BulkyError when no band does."""
    priced = [
        PriceLine(f"{line['name']} × {line['quantity']}", line["price"] * line["quantity"])
        for line in lines
        if line["price"] is not None
    ]
    banded = sum(line["quantity"] for line in lines if line["price"] is None)
    if not banded:
        return Price(priced)
    bands = price_bands() if bands is None else bands
    band = next((band for band in bands if band.max_items >= banded), None)
    if band is None:
        most = max((band.max_items for band in bands), default=0)
        if not most:
            raise BulkyError(_("Bulky waste prices are not set up yet. Call us to book."), code="no_prices")
        raise BulkyError(
            ngettext(
                "You can book up to %(max)s of these items in one collection",
                "You can book up to %(max)s of these items in one collection",
                most,
            )
            % {"max": most},
            code="too_many",
        )
    label = ngettext(
        "Collection of up to %(max)s item (%(count)s chosen)",
        "Collection of up to %(max)s items (%(count)s chosen)",
        band.max_items,
    ) % {"max": band.max_items, "count": banded}
    return Price([PriceLine(label, band.price_pence), *priced])


def describe_items(lines: list[dict]) -> str:
    """For example, "2 × Sofa, 1 × Fridge or freezer"."""
    return ", ".join(f"{line['quantity']} × {line['name']}" for line in lines)


def items_answer(lines: list[dict]) -> str:
    """The case's answer to "What should we collect?": a line per item, as the pricing rule reads it."""
    return "\n".join(f"{line['quantity']} × {line['name']}" for line in lines)


_ANSWER_LINE = re.compile(r"^\s*(\d{1,3})\s*[×x]\s*(.+?)\s*$")


def lines_from_answer(text: str) -> list[dict]:
    """The items of a case's answer ("2 × Sofa" a line), by the catalogue's names."""
    by_name = {item.name.casefold(): item for item in BulkyItem.objects.all()}
    selection: dict[str, int] = {}
    items = []
    for row in (text or "").splitlines():
        if not row.strip():
            continue
        match = _ANSWER_LINE.match(row)
        item = by_name.get(match.group(2).casefold()) if match else None
        if item is None:
            raise ValidationError({"items": [_("“%(line)s” is not an item we collect") % {"line": row.strip()}]})
        if item.slug not in selection:
            items.append(item)
        selection[item.slug] = selection.get(item.slug, 0) + int(match.group(1))
    return item_lines(selection, items)


@register_pricing_rule(PRICING_RULE, "Bulky waste: the catalogue's items and bands")
def price_answers(service: Service, answers: dict) -> Price:
    """The price of a bulky waste request from its answers: the items in "What should we collect?"."""
    try:
        return price_of(lines_from_answer(answers.get("items", "")))
    except BulkyError as error:
        raise ValidationError({"items": [error.message]}) from error


def refund_limit(payment, *, hours: bool, now: dt.datetime | None = None) -> str | None:
    """Why a refund of the payment is refused now: after the booking's cut-off, or (with
    `hours`) within WASTE_BULKY_NO_REFUND_HOURS of the collection. Never for a booking that
    was not kept (paid after its place went) or that the council cancelled late."""
    bulky = (
        BulkyBooking.objects.select_related("booking__calendar", "booking__slot")
        .filter(case_id=payment.case_id)
        .first()
    )
    if bulky is None or bulky.council_cancelled:
        return None
    booking = bulky.booking
    if booking.confirmed_at is None:
        return None  # never confirmed (paid after its place was given back): nothing was kept for it
    day = booking.slot.day
    now = now or timezone.now()
    if hours:
        limit = collection_starts(day) - dt.timedelta(hours=settings.WASTE_BULKY_NO_REFUND_HOURS)
        if now >= limit:
            return ngettext(
                "Refunds are not given within %(hours)s hour of the collection, which starts at %(time)s on %(day)s.",
                "Refunds are not given within %(hours)s hours of the collection, which starts at %(time)s on %(day)s.",
                settings.WASTE_BULKY_NO_REFUND_HOURS,
            ) % {
                "hours": settings.WASTE_BULKY_NO_REFUND_HOURS,
                "time": time_text(collection_time()),
                "day": day_text(day),
            }
        return None
    if booking_rules.is_past_cutoff(booking.calendar, day, now):
        return _("Refunds are not given after the cut-off for changes, %(cutoff)s.") % {
            "cutoff": bookings.describe_cutoff(booking.calendar, day)
        }
    return None


@register_refund_rule(REFUND_RULE_CUTOFF, "Bulky waste: no refund after the cut-off for changes")
def refund_before_cutoff(payment, amount: int) -> str | None:
    return refund_limit(payment, hours=False)


@register_refund_rule(
    REFUND_RULE_HOURS,
    f"Bulky waste: no refund within {settings.WASTE_BULKY_NO_REFUND_HOURS} hours of the collection",
)
def refund_before_hours(payment, amount: int) -> str | None:
    return refund_limit(payment, hours=True)
