"""What the missed-collection and crews tests share: the missed-bin service as the demo
configures it, homes on rounds, the people who may and may not record rounds, and a clock
set to a moment in Europe/London."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock
from zoneinfo import ZoneInfo

from allauth.mfa.models import Authenticator

from townhall.accounts.models import Role, Team
from townhall.accounts.tests.factories import StaffFactory, TeamFactory
from townhall.catalogue.models import Service
from townhall.catalogue.tests.factories import ServiceFactory
from townhall.demo.catalogue_data import SERVICES
from townhall.gazetteer.models import Property, Street
from townhall.gazetteer.tests.factories import PropertyFactory, StreetFactory
from townhall.waste.models import PropertyRound, Round, Stream
from townhall.waste.tests.factories import RoundFactory

LONDON = ZoneInfo("Europe/London")
# A Tuesday round's collection, far from any bank holiday.
TUESDAY = dt.date(2026, 6, 2)
MISSED_BIN = next(service for service in SERVICES if service["slug"] == "missed-bin")
# The demo's answers to the questions the report page asks itself.
EXTRA_ANSWERS = {"out_on_time": "yes"}
# Who the crews' pages and API must refuse, and who may use them: a role and a team's slug.
PEOPLE = {
    "anonymous": None,
    "resident": (Role.RESIDENT, ""),
    "agent": (Role.AGENT, "waste"),
    "auditor": (Role.AUDITOR, "waste"),
    "officer of another team": (Role.OFFICER, "street-care"),
    "waste officer": (Role.OFFICER, "waste"),
    "waste team manager": (Role.TEAM_MANAGER, "waste"),
    "council admin": (Role.COUNCIL_ADMIN, ""),
}
REFUSED = ["resident", "agent", "auditor", "officer of another team"]
ALLOWED = ["waste officer", "waste team manager", "council admin"]


def london(day: dt.date, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


@contextmanager
def clock(when: dt.datetime) -> Iterator[None]:
    """`timezone.now()` (and so `localdate()`) answers `when`."""
    with mock.patch("django.utils.timezone.now", return_value=when.astimezone(dt.UTC)):
        yield


def waste_team() -> Team:
    return TeamFactory(name="Waste services", slug="waste", email="waste@wexmoor.example")


def missed_bin_service() -> Service:
    """The missed-bin service with the demo catalogue's questions, routed to the waste team."""
    return ServiceFactory(
        slug="missed-bin",
        name=MISSED_BIN["name"],
        team=waste_team(),
        deadline_working_days=MISSED_BIN["deadline"],
        questions=MISSED_BIN["questions"],
    )


def home_on_round(
    *, street: Street | None = None, stream: str = Stream.REFUSE, number: str = "12", **round_fields
) -> tuple[Property, Round]:
    """A house on `street` (a new one by default) on a new round of `stream` (Tuesdays, every week)."""
    street = street or StreetFactory(name="Alder Road")
    place = PropertyFactory(street=street, building_number=number, postcode="WX1 2AB")
    round_ = RoundFactory(stream=stream, **round_fields)
    PropertyRound.objects.create(property=place, round=round_)
    return place, round_


def crew_staff(role: str = Role.OFFICER, *, team_slug: str = "waste"):
    """A member of staff in `role`, in the team with `team_slug` (none when empty)."""
    user = StaffFactory(role=role)
    if team_slug:
        TeamFactory(slug=team_slug, name=team_slug.title()).members.add(user)
    if role == Role.COUNCIL_ADMIN:  # council admins must have an authenticator app to reach /staff/
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "not-used-in-tests"})
    return user
