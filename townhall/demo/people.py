"""Wexmoor's demo staff and residents, and the logins `make run` prints."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from townhall.accounts.models import Role, Team, User

DEMO_PASSWORD = "wexmoor-demo-2026"  # noqa: S105 - the demo's published password
# The council admin must use two-factor authentication; the demo's secret is public.
ADMIN_TOTP_SECRET = "JBSWY3DPEHPK3PXPWEXMOORDEMOTWOKK"  # noqa: S105

# (email, name, role, team slugs)
STAFF = [
    ("agent@wexmoor.example", "Amir Agent", Role.AGENT, ["contact-centre"]),
    ("officer@wexmoor.example", "Olu Officer", Role.OFFICER, ["street-care", "highways"]),
    ("manager@wexmoor.example", "Maggie Manager", Role.TEAM_MANAGER, ["street-care", "waste"]),
    ("admin@wexmoor.example", "Ada Admin", Role.COUNCIL_ADMIN, ["contact-centre"]),
    ("auditor@wexmoor.example", "Aude Auditor", Role.AUDITOR, []),
    ("waste.officer@wexmoor.example", "Will Waste", Role.OFFICER, ["waste"]),
    ("housing.officer@wexmoor.example", "Hana Housing", Role.OFFICER, ["housing-repairs"]),
    ("health.officer@wexmoor.example", "Ezra Health", Role.OFFICER, ["environmental-health"]),
    ("tax.officer@wexmoor.example", "Tariq Tax", Role.OFFICER, ["council-tax"]),
    ("parking.officer@wexmoor.example", "Priya Parking", Role.OFFICER, ["parking", "planning"]),
    ("feedback.officer@wexmoor.example", "Fern Feedback", Role.OFFICER, ["customer-feedback"]),
    ("agent2@wexmoor.example", "Zara Agent", Role.AGENT, ["contact-centre"]),
]
RESIDENT = ("resident@wexmoor.example", "Rosa Resident")

# What `make run` prints: one login per role.
LOGINS = [
    ("Resident", RESIDENT[0]),
    ("Agent (contact centre)", "agent@wexmoor.example"),
    ("Officer (street care, highways)", "officer@wexmoor.example"),
    ("Team manager (street care, waste)", "manager@wexmoor.example"),
    ("Council admin (two-factor: see below)", "admin@wexmoor.example"),
    ("Auditor (read only)", "auditor@wexmoor.example"),
]


def make_user(email: str, name: str, role: str) -> User:
    user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=name, role=role)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def build_staff() -> dict[str, User]:
    teams = {team.slug: team for team in Team.objects.all()}
    staff = {}
    for email, name, role, team_slugs in STAFF:
        user = make_user(email, name, role)
        for slug in team_slugs:
            teams[slug].members.add(user)
        staff[email] = user
    TOTP.activate(staff["admin@wexmoor.example"], ADMIN_TOTP_SECRET)
    return staff


def admin_has_totp() -> bool:
    return Authenticator.objects.filter(user__email="admin@wexmoor.example", type=Authenticator.Type.TOTP).exists()
