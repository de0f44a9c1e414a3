from django import template

from townhall.core.money import format_pence

register = template.Library()


@register.filter
def pounds(pence: int | None) -> str:
    """{{ payment.amount|pounds }} → £12.50"""
    return "" if pence is None else format_pence(pence)
