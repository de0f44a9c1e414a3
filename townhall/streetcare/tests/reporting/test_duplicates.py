"""Nearby open reports of the same category: shown before a new one, supported instead of
repeated, and merged by staff so that every reporter still hears of progress."""

import pytest

from townhall.cases.models import CaseEvent, CaseWatcher, EventKind, WatchReason
from townhall.cases.services import CaseError, Requester, add_watcher, change_status
from townhall.catalogue.models import Channel
from townhall.core.models import AuditEvent
from townhall.streetcare import selectors
from townhall.streetcare.services import merge_duplicate, submit_report, support_report
from townhall.streetcare.tests.reporting.conftest import A_FEW_METRES_AWAY, ALDER_ROAD, POTHOLE_ANSWERS

pytestmark = pytest.mark.django_db


def report(service, *, email="ada@example.com", point=ALDER_ROAD, answers=POTHOLE_ANSWERS, **kwargs):
    return submit_report(
        service=service,
        answers=answers,
        latitude=point[0],
        longitude=point[1],
        channel=Channel.WEB,
        requester=Requester(name=email.split("@")[0].title(), email=email),
        **kwargs,
    )


def nearby(service, point=A_FEW_METRES_AWAY, **kwargs):
    return selectors.nearby_open_reports(service=service, latitude=point[0], longitude=point[1], **kwargs)


def test_open_reports_of_the_same_category_close_by_are_found_nearest_first(potholes, street_lights):
    near = report(potholes, point=A_FEW_METRES_AWAY)
    further = report(potholes)
    report(street_lights, answers={})  # another category
    closed = report(potholes)
    change_status(case=closed, status="resolved", by=None)

    found = nearby(potholes)

    assert [(item.report.case, item.metres) for item in found] == [(near, 0), (further, 22)]


def test_reports_further_than_fifty_metres_are_not_offered(potholes):
    report(potholes)

    assert nearby(potholes, point=("51.420600", "-0.190000")) == []  # 67 m away
    assert len(nearby(potholes, point=("51.420600", "-0.190000"), within_metres=100)) == 1


def test_the_public_never_see_a_private_categorys_reports(potholes, officer):
    potholes.street_category.private = True
    potholes.street_category.save()
    report(potholes)

    assert nearby(potholes) == []
    assert len(nearby(potholes, viewer=officer)) == 1  # staff do, on the case page


def test_finding_nearby_reports_is_one_query(potholes, django_assert_num_queries):
    for _ in range(3):
        report(potholes)

    with django_assert_num_queries(1):
        shown = [
            (item.report.title, item.report.case.reference, item.report.case.service.name) for item in nearby(potholes)
        ]

    assert len(shown) == 3


def test_support_makes_the_resident_a_follower_and_posts_their_words(potholes):
    case = report(potholes)

    watcher = support_report(case=case, requester=Requester(name="Bob", email="Bob@Example.com"), text="It got worse.")

    assert (watcher.email, watcher.reason) == ("bob@example.com", WatchReason.SUPPORTER)
    update = CaseEvent.objects.get(case=case, kind=EventKind.PUBLIC_UPDATE)
    assert update.public
    assert update.text == "Someone else has reported this problem too.\n\nIt got worse."
    assert AuditEvent.objects.filter(action="streetcare.report_supported").exists()


def test_a_signed_in_resident_supports_as_their_own_record(potholes, resident):
    case = report(potholes, email="bob@example.com")

    watcher = support_report(case=case, requester=Requester(name=resident.full_name, email=resident.email), by=resident)

    assert watcher.customer.user == resident


def test_supporting_twice_follows_once(potholes):
    case = report(potholes)
    bob = Requester(name="Bob", email="bob@example.com")

    support_report(case=case, requester=bob)
    support_report(case=case, requester=bob, text="Still there.")

    assert CaseWatcher.objects.filter(case=case).count() == 1


def test_a_closed_report_cannot_be_supported(potholes):
    case = report(potholes)
    change_status(case=case, status="resolved", by=None)

    with pytest.raises(CaseError, match="closed"):
        support_report(case=case, requester=Requester(email="bob@example.com"))

    assert not CaseWatcher.objects.exists()


def test_merging_closes_the_duplicate_and_its_reporter_and_followers_follow_the_kept_one(potholes, officer):
    kept = report(potholes)
    duplicate = report(potholes, email="bob@example.com", point=A_FEW_METRES_AWAY)
    add_watcher(case=duplicate, email="cai@example.com", reason=WatchReason.SUPPORTER, by=None)

    merge_duplicate(duplicate=duplicate, into=kept, by=officer)

    duplicate.refresh_from_db()
    assert duplicate.is_closed and duplicate.status == "withdrawn"
    assert duplicate.street_report.duplicate_of == kept.street_report
    closing = CaseEvent.objects.get(case=duplicate, kind=EventKind.STATUS_CHANGED)
    assert closing.data["reason"] == f"Duplicate of {kept.reference}"
    told = CaseEvent.objects.get(case=duplicate, kind=EventKind.PUBLIC_UPDATE)
    assert kept.reference in told.text
    followers = {(w.email or w.customer.email, w.reason) for w in CaseWatcher.objects.filter(case=kept)}
    assert followers == {
        ("bob@example.com", WatchReason.DUPLICATE_REPORT),
        ("cai@example.com", WatchReason.DUPLICATE_REPORT),
    }
    note = CaseEvent.objects.get(case=kept, kind=EventKind.NOTE)
    assert note.text == f"{duplicate.reference} was merged into this report."
    assert AuditEvent.objects.filter(action="streetcare.reports_merged", actor=officer).exists()


def test_a_workflow_with_a_duplicate_state_closes_duplicates_there(potholes, officer):
    potholes.workflow = [*potholes.workflow, {"key": "duplicate", "label": "Duplicate", "closed": True}]
    potholes.save()
    kept, duplicate = report(potholes), report(potholes, email="bob@example.com")

    merge_duplicate(duplicate=duplicate, into=kept, by=officer)

    duplicate.refresh_from_db()
    assert duplicate.status == "duplicate"


@pytest.mark.parametrize("problem", ["itself", "other category", "closed", "not a street report"])
def test_only_open_reports_of_one_category_merge(potholes, street_lights, officer, problem):
    from townhall.cases.services import submit_case
    from townhall.catalogue.tests.factories import ServiceFactory

    kept = report(potholes)
    duplicate = {
        "itself": kept,
        "other category": report(street_lights, answers={}),
        "closed": report(potholes, email="bob@example.com"),
        "not a street report": submit_case(
            service=ServiceFactory(), answers={"details": "x", "urgent": "no"}, channel=Channel.WEB
        ),
    }[problem]
    if problem == "closed":
        change_status(case=duplicate, status="resolved", by=officer)

    with pytest.raises(CaseError):
        merge_duplicate(duplicate=duplicate, into=kept, by=officer)

    assert not CaseWatcher.objects.filter(case=kept).exists()
