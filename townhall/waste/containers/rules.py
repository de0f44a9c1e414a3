"""The council's container rules, the price of a request (the "waste-containers" pricing
rule) and the larger bin's eligibility check.

What may be asked for and what it costs is the council's table: `ContainerRule` rows over
`DEFAULT_RULES`, per container and kind of request (new home, replacement, extra, larger):
e.g. the first extra recycling box in a year free, wheelie bins £25 delivered, a larger bin
only for a household of `WASTE_LARGER_BIN_HOUSEHOLD` or more or with a medical need.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from townhall.catalogue.fees import FREE, Price, PriceLine, register_pricing_rule
from townhall.catalogue.models import Service
from townhall.core.money import format_pence
from townhall.gazetteer.models import Property
from townhall.waste.models import (
    Container,
    ContainerKind,
    ContainerReason,
    ContainerRequest,
    ContainerRule,
    DeliveryStatus,
)

PRICING_RULE = "waste-containers"
# A free allowance (`free_per_year`) counts what the property had in this many days.
ALLOWANCE_DAYS = 365

KIND_FOR_REASON = {
    ContainerReason.NEW_HOME: ContainerKind.NEW,
    ContainerReason.BROKEN: ContainerKind.REPLACEMENT,
    ContainerReason.LOST: ContainerKind.REPLACEMENT,
    ContainerReason.EXTRA: ContainerKind.ADDITIONAL,
    ContainerReason.LARGER: ContainerKind.LARGER,
}


class WasteRequestError(Exception):
    """A request the rules do not allow, in words for the person who made it."""


class ContainerError(WasteRequestError):
    pass


class AssistedError(WasteRequestError):
    pass


# The council's rules


@dataclass(frozen=True)
class Rule:
    container: str
    kind: str
    offered: bool = True
    price_pence: int = 0
    free_per_year: int = 0
    max_quantity: int = 1
    needs_approval: bool = False

    @property
    def is_free(self) -> bool:
        return self.price_pence == 0


WHEELIE_BIN_DELIVERY = 2500
EXTRA_BOX = 500

# Wexmoor's rules; a ContainerRule row for a container and kind replaces its line here.
DEFAULT_RULES: dict[tuple[str, str], Rule] = {
    (rule.container, rule.kind): rule
    for rule in [
        Rule(Container.REFUSE_BIN, ContainerKind.NEW, price_pence=WHEELIE_BIN_DELIVERY),
        Rule(Container.REFUSE_BIN, ContainerKind.REPLACEMENT, price_pence=WHEELIE_BIN_DELIVERY),
        Rule(Container.REFUSE_BIN, ContainerKind.ADDITIONAL, offered=False),
        Rule(Container.REFUSE_BIN, ContainerKind.LARGER, needs_approval=True),
        Rule(Container.RECYCLING_BIN, ContainerKind.NEW, price_pence=WHEELIE_BIN_DELIVERY),
        Rule(Container.RECYCLING_BIN, ContainerKind.REPLACEMENT, price_pence=WHEELIE_BIN_DELIVERY),
        Rule(Container.RECYCLING_BIN, ContainerKind.ADDITIONAL, price_pence=WHEELIE_BIN_DELIVERY),
        Rule(Container.RECYCLING_BIN, ContainerKind.LARGER, needs_approval=True),
        Rule(Container.RECYCLING_BOX, ContainerKind.NEW, max_quantity=3),
        Rule(Container.RECYCLING_BOX, ContainerKind.REPLACEMENT, max_quantity=3),
        Rule(Container.RECYCLING_BOX, ContainerKind.ADDITIONAL, price_pence=EXTRA_BOX, free_per_year=1, max_quantity=3),
        Rule(Container.RECYCLING_BOX, ContainerKind.LARGER, offered=False),
        Rule(Container.FOOD_CADDY, ContainerKind.NEW, max_quantity=2),
        Rule(Container.FOOD_CADDY, ContainerKind.REPLACEMENT, max_quantity=2),
        Rule(Container.FOOD_CADDY, ContainerKind.ADDITIONAL, offered=False),
        Rule(Container.FOOD_CADDY, ContainerKind.LARGER, offered=False),
    ]
}


def container_rules() -> dict[tuple[str, str], Rule]:
    """Every rule in force: the defaults, with the council's own rows over them."""
    rules = dict(DEFAULT_RULES)
    for row in ContainerRule.objects.all():
        rules[(row.container, row.kind)] = Rule(
            container=row.container,
            kind=row.kind,
            offered=row.offered,
            price_pence=row.price_pence,
            free_per_year=row.free_per_year,
            max_quantity=row.max_quantity,
            needs_approval=row.needs_approval,
        )
    return rules


def offered_rule(container: str, reason: str, rules: dict[tuple[str, str], Rule] | None = None) -> Rule:
    """The rule for asking for `container` for `reason`; ContainerError when not offered."""
    kind = KIND_FOR_REASON.get(reason)
    if container not in Container.values or kind is None:
        raise ContainerError(_("Choose a container and why you need it."))
    rule = (rules if rules is not None else container_rules()).get((container, kind))
    if rule is None or not rule.offered:
        raise ContainerError(
            _("You cannot ask for %(what)s online. Contact us if you think you need one.")
            % {"what": what_is_asked(container, kind)}
        )
    return rule


# Containers in a sentence ("a replacement rubbish bin").
SHORT_NAMES = {
    Container.REFUSE_BIN: _lazy("rubbish bin"),
    Container.RECYCLING_BIN: _lazy("recycling bin"),
    Container.RECYCLING_BOX: _lazy("recycling box"),
    Container.FOOD_CADDY: _lazy("food waste caddy"),
}


def short_name(container: str) -> str:
    return str(SHORT_NAMES[Container(container)])


def what_is_asked(container: str, kind: str) -> str:
    name = short_name(container)
    return {
        ContainerKind.NEW: _("a %(name)s for a new home"),
        ContainerKind.REPLACEMENT: _("a replacement %(name)s"),
        ContainerKind.ADDITIONAL: _("an extra %(name)s"),
        ContainerKind.LARGER: _("a larger %(name)s"),
    }[ContainerKind(kind)] % {"name": name}


# The price


@dataclass(frozen=True)
class Quote:
    rule: Rule
    quantity: int
    charged_quantity: int
    price: Price

    @property
    def free_quantity(self) -> int:
        return self.quantity - self.charged_quantity


def used_allowance(place: Property | None, rule: Rule) -> int:
    """How many of the rule's free containers the property has had in the last year:
    requests neither refused nor withdrawn unpaid."""
    if place is None or place.pk is None:
        return 0
    since = timezone.now() - dt.timedelta(days=ALLOWANCE_DAYS)
    counted = (
        ContainerRequest.objects.filter(property=place, container=rule.container, kind=rule.kind, created_at__gte=since)
        .exclude(delivery_status=DeliveryStatus.CANCELLED)
        .exclude(case__is_closed=True, delivered_at__isnull=True)
        .aggregate(free=Sum(F("quantity") - F("charged_quantity")))
    )
    return counted["free"] or 0


def quote(*, place: Property | None, container: str, reason: str, quantity: int, rules=None) -> Quote:
    """What asking for `quantity` of `container` for `reason` costs at `place`. Raises
    ContainerError when the rules do not allow it."""
    rule = offered_rule(container, reason, rules)
    if quantity < 1:
        raise ContainerError(_("Enter how many you need, 1 or more."))
    if quantity > rule.max_quantity:
        raise ContainerError(
            _("You can ask for up to %(max)s at a time.") % {"max": rule.max_quantity}
            if rule.max_quantity > 1
            else _("You can ask for 1 at a time.")
        )
    if rule.is_free:
        charged = 0
    else:
        remaining = max(rule.free_per_year - used_allowance(place, rule), 0) if rule.free_per_year else 0
        charged = max(quantity - remaining, 0)
    lines = []
    if charged:
        lines.append(
            PriceLine(
                _("%(container)s delivery: %(count)s × %(price)s")
                % {
                    "container": short_name(container).capitalize(),
                    "count": charged,
                    "price": format_pence(rule.price_pence),
                },
                charged * rule.price_pence,
            )
        )
    return Quote(rule=rule, quantity=quantity, charged_quantity=charged, price=Price(lines))


def _whole_number(value, default: int = 0) -> int:
    try:
        return int(Decimal(str(value)))
    except (InvalidOperation, TypeError, ValueError):
        return default


@register_pricing_rule(PRICING_RULE, "Containers: the council's container rules (free, charged, first extra free)")
def price_containers(service: Service, answers: dict) -> Price:
    """The containers service's price from its answers, for any channel. A request the
    rules refuse is priced at the container's dearest delivery, never free."""
    address = answers.get("address") or {}
    place = Property.objects.filter(uprn=address.get("uprn")).first() if isinstance(address, dict) else None
    container, reason = answers.get("container", ""), answers.get("reason", "")
    quantity = max(_whole_number(answers.get("quantity"), 1), 1)
    try:
        return quote(place=place, container=container, reason=reason, quantity=quantity).price
    except ContainerError:
        dearest = max((r.price_pence for r in container_rules().values() if r.container == container), default=0)
        if not dearest:
            return FREE
        return Price([PriceLine(_("Container delivery: %(count)s") % {"count": quantity}, dearest * quantity)])


# Eligibility for a larger bin


def larger_bin_refusal(*, household_size: int | None, medical_need: bool | None) -> str | None:
    """Why the household cannot have a larger bin, or None when it may ask (an officer
    then checks what it declared)."""
    if medical_need:
        return None
    if household_size is not None and household_size >= settings.WASTE_LARGER_BIN_HOUSEHOLD:
        return None
    return _(
        "A larger bin is only for households of %(size)s or more people, or where someone has a medical "
        "need that makes extra waste."
    ) % {"size": settings.WASTE_LARGER_BIN_HOUSEHOLD}
