"""The one place customers listen to account events: a verified email joins the
resident's account to their customer record, so My Account shows every request made
in that email on any channel."""

from allauth.account.models import EmailAddress

from townhall.customers import services


def link_verified_account(*, request, email_address: EmailAddress | None = None, user=None, **kwargs) -> None:
    user = user or (email_address.user if email_address else None)
    if user is None or user.is_council_staff:
        return
    if EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists():
        services.link_account(user=user)
