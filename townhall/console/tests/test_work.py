"""The dashboard and the queues: what a member of staff has to do, filtered and sorted."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory
from townhall.catalogue.tests.factories import ServiceFactory
from townhall.console import selectors
from townhall.customers.models import Contact
from townhall.gazetteer.models import Property, Street, Ward

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _references(response) -> list[str]:
    return [case.reference for case in response.context["page"].object_list]


def _place(ward_name: str, uprn: int) -> Property:
    ward, _ = Ward.objects.get_or_create(code=f"E05{uprn}", defaults={"name": ward_name})
    street, _ = Street.objects.get_or_create(usrn=uprn, defaults={"name": "High Street", "town": "Wexmoor"})
    place = Property(
        uprn=uprn, building_number="1", street=street, postcode="WX1 1AA", ward=ward, latitude=51.5, longitude=-0.1
    )
    place.refresh_single_line()
    place.save()
    return place


def test_the_dashboard_shows_my_open_cases_overdue_first(make_case, officer, login):
    later = make_case(assignee=officer, due_date=TODAY + dt.timedelta(days=5))
    overdue = make_case(assignee=officer, due_date=TODAY - dt.timedelta(days=1))
    make_case(assignee=officer, is_closed=True, status="resolved")
    make_case()  # not mine

    response = login("officer").get(reverse("console:dashboard"))

    assert [c.reference for c in response.context["my_cases"]] == [overdue.reference, later.reference]
    assert "Overdue" in response.content.decode()


def test_the_dashboard_counts_each_of_my_teams_queues(make_case, officer, team, login):
    make_case(assignee=officer)
    make_case(due_date=TODAY - dt.timedelta(days=2))
    make_case(has_new_message=True)
    make_case(is_closed=True, status="resolved")

    response = login("officer").get(reverse("console:dashboard"))

    (counts,) = response.context["teams"]
    assert counts == team
    assert (counts.open_count, counts.overdue_count, counts.unassigned_count, counts.new_message_count) == (3, 1, 2, 1)


def test_a_closed_case_with_an_unread_message_counts_as_a_new_message_not_as_open(make_case, officer, login):
    make_case(is_closed=True, status="resolved", has_new_message=True)
    make_case(has_new_message=True)
    make_case(is_closed=True, status="resolved")

    (counts,) = login("officer").get(reverse("console:dashboard")).context["teams"]

    assert (counts.open_count, counts.unassigned_count, counts.new_message_count) == (1, 1, 2)


def test_a_team_with_no_cases_counts_zero_everywhere(officer, login):
    (counts,) = login("officer").get(reverse("console:dashboard")).context["teams"]

    assert (counts.open_count, counts.overdue_count, counts.unassigned_count, counts.new_message_count) == (0, 0, 0, 0)


def test_the_team_counts_join_only_open_cases_so_closed_history_costs_nothing(officer, make_case):
    # Joining on "open OR unread" defeated both indexes and read every case a team ever
    # had (~250 ms at a million cases); the unread ones are counted by a query of their own.
    make_case(has_new_message=True)

    with CaptureQueriesContext(connection) as queries:
        selectors.team_counts(officer)

    join, unread = (query["sql"] for query in queries.captured_queries)
    assert 'NOT open_cases."is_closed"' in join
    assert "has_new_message" not in join
    assert '"cases_case"."has_new_message"' in unread


def test_the_dashboard_lists_the_contacts_i_logged(officer, agent, customer, login):
    mine = Contact.objects.create(customer=customer, channel="phone", reason="Bins", outcome="answered", agent=officer)
    Contact.objects.create(customer=customer, channel="phone", reason="Other", outcome="answered", agent=agent)

    response = login("officer").get(reverse("console:dashboard"))

    assert list(response.context["recent_contacts"]) == [mine]


@pytest.mark.parametrize("rows", [3, 30])
def test_the_dashboard_takes_the_same_queries_however_many_rows(
    rows, make_case, officer, customer, login, django_assert_max_num_queries
):
    for _ in range(rows):
        make_case(assignee=officer)
        Contact.objects.create(customer=customer, channel="phone", reason="Bins", outcome="answered", agent=officer)
    client = login("officer")

    # session, user, my cases and their count, team counts, teams' unread counts, contacts
    with django_assert_max_num_queries(7):
        response = client.get(reverse("console:dashboard"))

    assert response.status_code == 200


def test_the_queue_starts_with_my_teams_open_cases(make_case, team, login):
    mine = make_case()
    make_case(is_closed=True, status="resolved")
    elsewhere = make_case(ServiceFactory())

    response = login("officer").get(reverse("console:queue"))

    assert _references(response) == [mine.reference]
    assert elsewhere.team != team


def test_staff_outside_any_team_start_from_every_team(make_case, login):
    first, second = make_case(), make_case(ServiceFactory())

    response = login("auditor").get(reverse("console:queue"))

    assert set(_references(response)) == {first.reference, second.reference}


@pytest.fixture
def assorted(make_case, officer, manager, service):
    """Cases that differ in one way each, so that each filter picks out one."""
    other_service = ServiceFactory(team=service.team, name="Report graffiti")
    return {
        "mine": make_case(assignee=officer, due_date=TODAY + dt.timedelta(days=9)),
        "managers": make_case(assignee=manager, due_date=TODAY + dt.timedelta(days=8)),
        "overdue": make_case(due_date=TODAY - dt.timedelta(days=3)),
        "graffiti": make_case(other_service, due_date=TODAY + dt.timedelta(days=7)),
        "message": make_case(has_new_message=True, due_date=TODAY + dt.timedelta(days=6)),
        "urgent": make_case(priority="urgent", due_date=TODAY + dt.timedelta(days=10)),
        "in_progress": make_case(status="in_progress", due_date=TODAY + dt.timedelta(days=11)),
        "in_ward": make_case(address=_place("Ashby Green", 1001), due_date=TODAY + dt.timedelta(days=12)),
        "closed": make_case(is_closed=True, status="resolved", due_date=TODAY + dt.timedelta(days=1)),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"assignee": "me"}, ["mine"]),
        ({"overdue": "on"}, ["overdue"]),
        ({"new_message": "on"}, ["message"]),
        ({"state": "closed"}, ["closed"]),
        ({"status": "in_progress"}, ["in_progress"]),
    ],
)
def test_the_queue_filters(query, expected, assorted, login):
    response = login("officer").get(reverse("console:queue"), query)

    assert _references(response) == [assorted[name].reference for name in expected]


def test_the_queue_filters_by_service_ward_and_a_named_assignee(assorted, manager, login):
    client = login("officer")
    graffiti = assorted["graffiti"]
    ward = assorted["in_ward"].address.ward

    assert _references(client.get(reverse("console:queue"), {"service": graffiti.service_id})) == [graffiti.reference]
    assert _references(client.get(reverse("console:queue"), {"ward": ward.pk})) == [assorted["in_ward"].reference]
    assert _references(client.get(reverse("console:queue"), {"assignee": manager.pk})) == [
        assorted["managers"].reference
    ]


def test_the_queue_finds_unassigned_cases(assorted, login):
    response = login("officer").get(reverse("console:queue"), {"assignee": "unassigned"})

    assert set(_references(response)) == {
        assorted[name].reference for name in ("overdue", "graffiti", "message", "urgent", "in_progress", "in_ward")
    }


def test_the_queue_finds_a_reference_however_it_is_typed(assorted, login):
    reference = assorted["urgent"].reference
    typed = reference.lower().replace("-", " ")[3:]  # without the prefix, in lower case, spaced

    response = login("officer").get(reverse("console:queue"), {"reference": typed})

    assert _references(response) == [reference]


def test_the_queue_filters_by_another_team_only_when_asked(make_case, login):
    other = make_case(ServiceFactory())
    client = login("officer")

    assert other.reference not in _references(client.get(reverse("console:queue")))
    assert _references(client.get(reverse("console:queue"), {"team": other.team_id})) == [other.reference]
    assert other.reference in _references(client.get(reverse("console:queue"), {"team": "all"}))


def test_the_queue_sorts_by_due_date_submission_or_priority(assorted, login):
    client = login("officer")
    open_names = ["overdue", "message", "graffiti", "managers", "mine", "urgent", "in_progress", "in_ward"]

    by_due = _references(client.get(reverse("console:queue")))
    by_submitted = _references(client.get(reverse("console:queue"), {"sort": "submitted"}))
    by_priority = _references(client.get(reverse("console:queue"), {"sort": "priority"}))

    assert by_due == [assorted[name].reference for name in open_names]
    newest_first = sorted(open_names, key=list(assorted).index, reverse=True)
    assert by_submitted == [assorted[name].reference for name in newest_first]
    assert by_priority[0] == assorted["urgent"].reference
    assert by_priority[1:] == [r for r in by_due if r != assorted["urgent"].reference]


def test_an_impossible_filter_shows_an_error_and_the_default_queue(make_case, login):
    mine = make_case()

    response = login("officer").get(reverse("console:queue"), {"team": "999999", "sort": "sideways"})

    assert _references(response) == [mine.reference]
    assert "There is a problem" in response.content.decode()


def test_the_queue_pages_by_fifty(make_case, login):
    for _ in range(51):
        make_case()

    client = login("officer")
    first = client.get(reverse("console:queue"))
    second = client.get(reverse("console:queue"), {"page": 2})

    assert len(_references(first)) == 50
    assert len(_references(second)) == 1
    assert "?page=2" in first.content.decode()


@pytest.mark.parametrize("rows", [3, 30])
def test_the_queue_takes_the_same_queries_however_many_rows(
    rows, make_case, officer, login, django_assert_max_num_queries
):
    member = StaffFactory(role=Role.OFFICER)
    officer.teams.first().members.add(member)
    for number in range(rows):
        make_case(assignee=member if number % 2 else None, address=_place(f"Ward {number}", 2000 + number))
    client = login("officer")

    with django_assert_max_num_queries(10):
        response = client.get(reverse("console:queue"), {"sort": "priority"})

    assert len(_references(response)) == rows
