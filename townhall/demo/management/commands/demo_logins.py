from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.conf import settings
from django.core.management.base import BaseCommand

from townhall.demo import people
from townhall.integrations.demo import DEMO_OPEN311_KEY, DEMO_REST_KEY, curl_example


class Command(BaseCommand):
    help = "Print the demo borough's logins, the council admin's current two-factor code and the Open311 demo key."

    def handle(self, *args, **options):
        base = settings.SITE_URL
        lines = [
            "",
            f"Townhall demo: {base}   (staff console: {base}/staff/)",
            f"Every demo login uses the password: {people.DEMO_PASSWORD}",
        ]
        lines += [f"  {role:<40} {email}" for role, email in people.LOGINS]
        counters = list(yield_hotp_counters_from_time())
        code = format_hotp_value(hotp_value(people.ADMIN_TOTP_SECRET, counters[len(counters) // 2]))
        lines += [
            f"The council admin signs in with a two-factor code: add the secret {people.ADMIN_TOTP_SECRET}",
            f"to an authenticator app, or run 'manage.py demo_logins' again (code now: {code}).",
            f"Emails the demo sends are in the console's Sent mail page: {base}/staff/mailbox/",
            f"Try the Open311 API ({base}/open311/v2/services.json) with the demo key {DEMO_OPEN311_KEY}:",
            f"  {curl_example(base)}",
            f"The REST API ({base}/api/docs/) has a demo key acting for the officer: {DEMO_REST_KEY}",
            f"  curl -H 'Authorization: Bearer {DEMO_REST_KEY}' {base}/api/v1/cases/",
            "",
        ]
        self.stdout.write("\n".join(lines))
