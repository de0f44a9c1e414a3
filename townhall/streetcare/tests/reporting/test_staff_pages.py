"""The console side: the street panel on a case page, merging duplicates from it, and the
category settings pages, each with who must be refused."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from townhall.accounts.models import Role
from townhall.accounts.tests.factories import UserFactory
from townhall.cases.models import CaseWatcher
from townhall.cases.services import Requester
from townhall.catalogue.models import Channel
from townhall.core.models import AuditEvent
from townhall.streetcare.models import AssetLayer, Category
from townhall.streetcare.services import submit_report
from townhall.streetcare.tests.reporting.conftest import A_FEW_METRES_AWAY, ALDER_ROAD, POTHOLE_ANSWERS, staff

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def report(service, *, email, point=ALDER_ROAD, title="Deep pothole"):
    return submit_report(
        service=service,
        answers={**POTHOLE_ANSWERS, "title": title},
        latitude=point[0],
        longitude=point[1],
        channel=Channel.WEB,
        requester=Requester(name=email.split("@")[0].title(), email=email),
    )


@pytest.fixture
def pair(potholes):
    """Two reports of the same pothole, by Ada and then Bob."""
    return report(potholes, email="ada@example.com"), report(
        potholes, email="bob@example.com", point=A_FEW_METRES_AWAY, title="Pothole again"
    )


ROLES = {
    "resident": Role.RESIDENT,
    "officer": Role.OFFICER,
    "agent": Role.AGENT,
    "auditor": Role.AUDITOR,
    "admin": Role.COUNCIL_ADMIN,
}


@pytest.fixture
def sign_in(client, team):
    """Signs in someone in a role (an officer in the reports' team); "anonymous" stays out."""

    def sign_in(who: str):
        if who == "anonymous":
            return None
        user = UserFactory() if who == "resident" else staff(ROLES[who], *([team] if who == "officer" else []))
        client.force_login(user)
        return user

    return sign_in


def case_page(client, case):
    return client.get(reverse("console:case", args=[case.reference]))


def test_a_street_reports_case_page_shows_its_street_side_and_nearby_reports(client, pair, officer):
    kept, duplicate = pair
    client.force_login(officer)

    page = text(case_page(client, kept))

    assert "Street report" in page and "Deep pothole" in page and "Shown" in page
    assert "Open reports of this kind nearby" in page
    assert duplicate.reference in page and "22 m" in page
    assert "Merge into this one" in page


def test_a_case_that_is_not_a_street_report_shows_no_street_panel(client, officer, team):
    from townhall.cases.services import submit_case
    from townhall.catalogue.tests.factories import ServiceFactory

    case = submit_case(service=ServiceFactory(team=team), answers={"details": "x", "urgent": "no"}, channel="web")
    client.force_login(officer)

    assert "Street report" not in text(case_page(client, case))


def test_merging_from_the_case_page(client, pair, officer):
    kept, duplicate = pair
    client.force_login(officer)

    response = client.post(reverse("streetcare_staff:merge", args=[kept.reference]), {"duplicate": duplicate.reference})

    assert response["Location"] == reverse("console:case", args=[kept.reference])
    duplicate.refresh_from_db()
    assert duplicate.is_closed
    assert CaseWatcher.objects.get(case=kept).email == "bob@example.com"
    page = text(client.get(response["Location"]))
    assert f"{duplicate.reference} was merged into this report" in page
    assert "Merged into this" in page
    again = client.post(reverse("streetcare_staff:merge", args=[kept.reference]), {"duplicate": duplicate.reference})
    assert "That was already done." in text(client.get(again["Location"]))
    assert AuditEvent.objects.filter(action="streetcare.reports_merged").count() == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("resident", 403), ("auditor", 403), ("agent", 302), ("officer", 302)],
)
def test_who_may_merge(client, pair, sign_in, who, status):
    kept, duplicate = pair
    sign_in(who)

    response = client.post(reverse("streetcare_staff:merge", args=[kept.reference]), {"duplicate": duplicate.reference})

    assert response.status_code == status
    duplicate.refresh_from_db()
    assert duplicate.is_closed is (who in ("agent", "officer"))
    if who == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))


def test_a_case_the_member_of_staff_cannot_see_is_not_found(client, pair, officer, team):
    kept, duplicate = pair
    kept.service.restricted = True
    kept.service.save()
    team.members.remove(officer)
    client.force_login(officer)

    response = client.post(reverse("streetcare_staff:merge", args=[kept.reference]), {"duplicate": duplicate.reference})

    assert response.status_code == 404
    duplicate.refresh_from_db()
    assert not duplicate.is_closed


def test_the_street_panel_adds_two_queries_to_the_case_page_however_many_reports_are_near(
    client, pair, officer, potholes, django_assert_max_num_queries
):
    from townhall.console.tests.test_case_page import CASE_PAGE_QUERIES

    kept, _duplicate = pair
    client.force_login(officer)
    with CaptureQueriesContext(connection) as one_nearby:
        case_page(client, kept)
    for number in range(4):
        report(potholes, email=f"n{number}@example.com", title=f"Pothole {number}")

    # The case page's own, one for the nearest address to the point, two for the panel,
    # two for the moderation panel (its photos, and whether the public sees it).
    with django_assert_max_num_queries(CASE_PAGE_QUERIES + 5):
        response = case_page(client, kept)

    assert text(response).count("Merge into this one") == 5
    with CaptureQueriesContext(connection) as five_nearby:
        case_page(client, kept)
    assert len(five_nearby) == len(one_nearby)


# Category settings


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("resident", 403), ("auditor", 403), ("officer", 403), ("agent", 403), ("admin", 200)],
)
@pytest.mark.parametrize("page", ["categories", "category_add", "category"])
def test_only_council_admins_see_category_settings(client, potholes, sign_in, who, status, page):
    sign_in(who)
    args = ["pothole"] if page == "category" else []

    assert client.get(reverse(f"streetcare_staff:{page}", args=args)).status_code == status


@pytest.mark.parametrize("who", ["officer", "auditor", "resident"])
def test_a_refused_settings_change_changes_nothing(client, potholes, sign_in, who):
    sign_in(who)

    response = client.post(
        reverse("streetcare_staff:category", args=["pothole"]), {"notice": "Gas!", "notice_stops_report": "on"}
    )

    assert response.status_code == 403
    assert not Category.objects.get(service=potholes).notice_stops_report


def test_an_admin_sets_a_categorys_notice_privacy_and_assets(client, potholes, admin):
    layer = AssetLayer.objects.create(name="Road drains", slug="drains")
    client.force_login(admin)

    listed = text(client.get(reverse("streetcare_staff:categories")))
    response = client.post(
        reverse("streetcare_staff:category", args=["pothole"]),
        {"notice": "Call 999 if someone is hurt.", "private": "on", "asset_layer": str(layer.pk)},
    )

    assert "Pothole" in listed
    assert response["Location"] == reverse("streetcare_staff:categories")
    category = Category.objects.get(service=potholes)
    assert (category.notice, category.private, category.asset_layer) == ("Call 999 if someone is hurt.", True, layer)
    assert AuditEvent.objects.filter(action="streetcare.category_changed", actor=admin).exists()


def test_a_stopping_notice_needs_its_words(client, potholes, admin):
    client.force_login(admin)

    refused = client.post(reverse("streetcare_staff:category", args=["pothole"]), {"notice_stops_report": "on"})

    assert refused.status_code == 400
    assert "Enter the notice that tells people what to do instead" in text(refused)


def test_an_admin_makes_a_service_a_street_category(client, admin, team, borough):
    from townhall.catalogue.tests.factories import ServiceFactory

    service = ServiceFactory(team=team, name="Report a damaged bench", slug="bench")
    client.force_login(admin)

    response = client.post(reverse("streetcare_staff:category_add"), {"service": str(service.pk)})

    assert response["Location"] == reverse("streetcare_staff:category", args=["bench"])
    assert Category.objects.filter(service=service).exists()
    assert AuditEvent.objects.filter(action="streetcare.category_created").exists()


def test_the_console_offers_a_street_report_where_requests_are_raised(client, agent):
    client.force_login(agent)
    started = client.post(reverse("console:contact_start"), {"channel": Channel.PHONE})
    contact_url = started["Location"]
    token = contact_url.rstrip("/").split("/")[-1]

    page = text(client.get(reverse("console:contact_raise", args=[token])))

    assert reverse("street_report:where") in page
