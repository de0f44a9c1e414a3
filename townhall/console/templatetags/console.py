import uuid

from django import template
from django.utils.html import format_html

from townhall.console.once import FIELD

register = template.Library()


@register.simple_tag
def once_field() -> str:
    """A fresh one-time key for a form that changes something (see `console.once`)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, uuid.uuid4())
