"""The emails every request sends unless the council writes its own in the console.

Placeholders are ((name)), as in GOV.UK Notify, so the same text can move there; each
event's are in `placeholders.py`.
"""

from townhall.catalogue.models import NotificationEvent

DEFAULT_TEMPLATES: dict[str, tuple[str, str]] = {
    NotificationEvent.SUBMITTED: (
        "We have received your request ((reference))",
        "Dear ((name)),\n\n"
        "Thank you for your request: ((service)).\n\n"
        "Your reference is ((reference)). ((deadline_sentence))\n\n"
        "You can see its progress and reply to us at ((track_url))\n\n"
        "((council))",
    ),
    NotificationEvent.PUBLIC_UPDATE: (
        "Update on your request ((reference))",
        "Dear ((name)),\n\nThere is an update on your request ((reference)) (((service))):\n\n"
        "((update))\n\nIts status is now: ((status)).\n\nSee it or reply at ((track_url))\n\n((council))",
    ),
    NotificationEvent.RESOLVED: (
        "Your request ((reference)) is resolved",
        "Dear ((name)),\n\nYour request ((reference)) (((service))) is resolved.\n\n((update))\n\n"
        "If it is not, reply within ((reopen_days)) days at ((track_url)) and we will look at it again.\n\n((council))",
    ),
    NotificationEvent.MESSAGE: (
        "A message about your request ((reference))",
        "Dear ((name)),\n\nWe have sent you a message about your request ((reference)) (((service))):\n\n"
        "((update))\n\nReply at ((track_url))\n\n((council))",
    ),
    NotificationEvent.PAYMENT_RECEIVED: (
        "Receipt for your payment of ((amount)), ((reference))",
        "Dear ((name)),\n\nThank you for your payment.\n\n"
        "Amount paid: ((amount))\nFor: ((service))\nRequest reference: ((reference))\n"
        "Payment reference: ((payment_reference))\nPaid: ((paid_at)) (((method)))\n\n"
        "Keep this email as your receipt. You can see your request at ((track_url))\n\n((council))",
    ),
    NotificationEvent.REFUNDED: (
        "Refund of ((amount)) for your request ((reference))",
        "Dear ((name)),\n\nWe have refunded ((amount)) of your payment for ((service)) (((reference))).\n\n"
        "A refund to a card usually reaches the account within 5 to 10 working days.\n\n((council))",
    ),
}
