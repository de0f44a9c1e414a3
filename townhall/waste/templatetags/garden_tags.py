"""`{% load garden_tags %}{% garden_subscriptions %}`: the signed-in resident's garden waste
subscriptions as a My Account section, so the portal shows them without importing waste."""

from django import template

from townhall.waste.garden import selectors as garden_selectors

register = template.Library()


@register.inclusion_tag("waste/garden/includes/account_section.html", takes_context=True)
def garden_subscriptions(context) -> dict:
    user = context["user"]
    return {"subscriptions": garden_selectors.subscriptions_for_user(user)}


@register.filter
def has_garden(streams) -> bool:
    """Whether the bin-day page's collections include garden waste (a subscription is running)."""
    return any(getattr(stream.bins, "stream", None) == "garden" for stream in streams or [])
