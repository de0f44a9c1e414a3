"""What a request costs, and when its money may be given back.

The price is worked out on the server from the service's fee and the answers, never
taken from the browser. A fixed fee and a price per item are configured by officers.
Anything cleverer (bulky waste bands, a first container free) is a pricing rule that a
service module registers by name, and so is a refund rule ("no refund within 24 hours of
the collection"); officers then pick them for the service.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy

from townhall.catalogue.models import FeeKind, Service
from townhall.core.money import format_pence


@dataclass(frozen=True)
class PriceLine:
    label: str
    amount: int  # pence


@dataclass(frozen=True)
class Price:
    lines: list[PriceLine] = field(default_factory=list)

    @property
    def amount(self) -> int:
        return sum(line.amount for line in self.lines)


FREE = Price()
PricingRule = Callable[[Service, dict], Price]
_rules: dict[str, tuple[str, PricingRule]] = {}
_rule_wordings: dict[str, str] = {}
RULE_WORDING = gettext_lazy("The cost depends on your answers. You will see it before you pay.")


def register_pricing_rule(name: str, label: str, wording: str = "") -> Callable[[PricingRule], PricingRule]:
    """Decorator a service module uses to offer a pricing rule under `name`. `label` is what
    officers choose it by; `wording` what residents read about the cost before they start
    ("From £25 for up to 3 items."), else `RULE_WORDING`."""

    def register(rule: PricingRule) -> PricingRule:
        _rules[name] = (label, rule)
        if wording:
            _rule_wordings[name] = wording
        return rule

    return register


def pricing_rule_choices() -> list[tuple[str, str]]:
    return sorted(((name, label) for name, (label, _rule) in _rules.items()), key=lambda choice: choice[1])


def rule_wording(service: Service) -> str:
    """What the pricing rule of `service` tells residents about the cost before they start."""
    return str(_rule_wordings.get(service.fee_rule, RULE_WORDING))


def price_for(service: Service, answers: dict) -> Price:
    """The price of a request to `service` with these (validated) answers."""
    if service.fee_kind == FeeKind.FIXED:
        return Price([PriceLine(service.name, service.fee_pence)])
    if service.fee_kind == FeeKind.PER_ITEM:
        count = int(Decimal(str(answers.get(service.fee_item_question) or 0)))
        label = f"{service.name}: {count} × {format_pence(service.fee_pence)}"
        return Price([PriceLine(label, service.fee_pence * count)]) if count > 0 else FREE
    if service.fee_kind == FeeKind.RULE:
        if service.fee_rule not in _rules:
            raise ImproperlyConfigured(f"Service {service.slug} names an unknown pricing rule {service.fee_rule!r}")
        return _rules[service.fee_rule][1](service, answers)
    return FREE


# A refund rule says why a refund of `amount` pence of `payment` is not allowed, or None.
RefundRule = Callable[[Any, int], str | None]
_refund_rules: dict[str, tuple[str, RefundRule]] = {}


def register_refund_rule(name: str, label: str) -> Callable[[RefundRule], RefundRule]:
    """Decorator a service module uses to offer a refund rule under `name`."""

    def register(rule: RefundRule) -> RefundRule:
        _refund_rules[name] = (label, rule)
        return rule

    return register


def refund_rule_choices() -> list[tuple[str, str]]:
    return sorted(((name, label) for name, (label, _rule) in _refund_rules.items()), key=lambda choice: choice[1])


def refund_refusal(service: Service, payment, amount: int) -> str | None:
    """Why the service's refund rule refuses this refund, or None when it allows it."""
    if not service.refund_rule:
        return None
    if service.refund_rule not in _refund_rules:
        return f"The refund rule “{service.refund_rule}” is not available, so refunds are paused. Ask an administrator."
    return _refund_rules[service.refund_rule][1](payment, amount)
