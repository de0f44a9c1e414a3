"""Template filters for accounts: the permission checks (`{% if request.user|can_work_cases %}`) and more."""

from django import template

from townhall.accounts import permissions, selectors

register = template.Library()

for _check in (
    permissions.is_staff_user,
    permissions.can_edit_catalogue,
    permissions.can_manage_alerts,
    permissions.can_work_cases,
    permissions.can_view_all_cases,
    permissions.requires_mfa,
    selectors.has_totp,
):
    register.filter(_check.__name__, _check)


@register.filter
def in_fours(secret: str) -> str:
    """An authenticator key in groups of four characters, easier to read and type."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
