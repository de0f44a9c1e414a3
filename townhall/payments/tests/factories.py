from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory, TeamFactory
from townhall.cases.services import Requester, submit_case
from townhall.catalogue.models import Channel, FeeKind
from townhall.catalogue.tests.factories import ServiceFactory

ANSWERS = {"details": "A sofa and two chairs", "urgent": "no"}


def paid_service(*, fee_pence: int = 3500, **kwargs):
    """A published service with a fixed fee and a fund code."""
    team = kwargs.pop("team", None) or TeamFactory(name="Waste services", slug="waste", email="waste@wexmoor.example")
    return ServiceFactory(
        team=team,
        name=kwargs.pop("name", "Collect a large item"),
        fee_kind=FeeKind.FIXED,
        fee_pence=fee_pence,
        fund_code=kwargs.pop("fund_code", "WASTE-BULKY"),
        **kwargs,
    )


def awaiting_case(service=None, *, channel: str = Channel.WEB, email: str = "ada@example.com"):
    """A request to a paid service, submitted and waiting for its payment."""
    service = service or paid_service()
    return submit_case(
        service=service,
        answers=ANSWERS,
        channel=channel,
        requester=Requester(name="Ada Resident", email=email),
    )


def manager(team):
    user = StaffFactory(role=Role.TEAM_MANAGER)
    team.members.add(user)
    return user


def return_url_for(token: str) -> str:
    return f"http://testserver/payments/return/{token}/"
