"""Staff hide (and show again) a report's text and photos from the public."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from townhall.accounts.models import Role
from townhall.accounts.tests.factories import StaffFactory
from townhall.core.models import AuditEvent
from townhall.streetcare import moderation
from townhall.streetcare.models import ReportPhoto, StreetReport
from townhall.streetcare.tests.factories import ReportPhotoFactory

pytestmark = pytest.mark.django_db

REFUSED = ["resident", "agent", "auditor"]
MODERATORS = ["officer", "manager", "admin"]


def _text_url(report) -> str:
    return reverse("reports_staff:moderate_text", args=[report.case.reference])


def _photo_url(photo) -> str:
    return reverse("reports_staff:moderate_photo", args=[photo.report.case.reference, photo.pk])


@pytest.mark.parametrize("who", MODERATORS)
def test_moderators_hide_and_show_a_reports_text_with_an_audit_event(client, make_report, person, who):
    report = make_report(title="Something rude")
    moderator = person(who)
    client.force_login(moderator)

    response = client.post(_text_url(report), {"visibility": "hide"})

    assert response.status_code == 302
    assert response["Location"] == reverse("console:case", args=[report.case.reference])
    assert StreetReport.objects.get(pk=report.pk).text_hidden
    public_page = client.get(reverse("reports:report", args=[report.case.reference])).content.decode()
    assert "Hidden by the council" in public_page and "Something rude" not in public_page

    client.post(_text_url(report), {"visibility": "show"})

    assert not StreetReport.objects.get(pk=report.pk).text_hidden
    actions = list(AuditEvent.objects.filter(actor=moderator).order_by("id").values_list("action", flat=True))
    assert actions == ["streetcare.text_hidden", "streetcare.text_shown"]


@pytest.mark.parametrize("who", MODERATORS)
def test_moderators_hide_and_show_a_photo(client, make_report, person, who):
    photo = ReportPhotoFactory(report=make_report())
    moderator = person(who)
    client.force_login(moderator)

    client.post(_photo_url(photo), {"visibility": "hide"})

    hidden = ReportPhoto.objects.get(pk=photo.pk)
    assert hidden.hidden and hidden.hidden_by == moderator
    public_photo = reverse("reports:photo", args=[photo.report.case.reference, photo.pk])
    assert client.get(public_photo).status_code == 404

    client.post(_photo_url(photo), {"visibility": "show"})

    assert not ReportPhoto.objects.get(pk=photo.pk).hidden
    assert client.get(public_photo).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", *REFUSED])
def test_anyone_else_is_refused_and_nothing_changes(client, make_report, person, who):
    report = make_report()
    photo = ReportPhotoFactory(report=report)
    if who != "anonymous":
        client.force_login(person(who))

    for url in (_text_url(report), _photo_url(photo)):
        response = client.post(url, {"visibility": "hide"})
        assert response.status_code == (302 if who == "anonymous" else 403)
        if who == "anonymous":
            assert "/account/auth/login/" in response["Location"]

    assert not StreetReport.objects.get(pk=report.pk).text_hidden
    assert not ReportPhoto.objects.get(pk=photo.pk).hidden
    assert not AuditEvent.objects.filter(action__startswith="streetcare.").exists()


def test_moderating_twice_changes_nothing_more(make_report, officer):
    report = make_report()

    assert moderation.moderate_text(report=report, hidden=True, by=officer) is True
    assert moderation.moderate_text(report=report, hidden=True, by=officer) is False

    assert AuditEvent.objects.filter(action="streetcare.text_hidden").count() == 1


def test_a_restricted_case_is_not_found_by_staff_outside_its_teams(client, make_report, potholes):
    potholes.restricted = True
    potholes.save(update_fields=["restricted"])
    report = make_report()
    client.force_login(StaffFactory(role=Role.OFFICER))  # in no team

    assert client.post(_text_url(report), {"visibility": "hide"}).status_code == 404
    assert not StreetReport.objects.get(pk=report.pk).text_hidden


def test_an_unknown_choice_is_not_found(client, make_report, officer):
    report = make_report()
    client.force_login(officer)

    assert client.post(_text_url(report), {"visibility": "maybe"}).status_code == 404
    assert client.get(_text_url(report)).status_code == 405


@pytest.mark.parametrize(("who", "status"), [("resident", 403), ("agent", 200), ("auditor", 200), ("officer", 200)])
def test_staff_who_can_see_the_case_see_its_photos_hidden_ones_too(client, make_report, person, who, status):
    photo = ReportPhotoFactory(report=make_report(), hidden=True)
    client.force_login(person(who))

    response = client.get(reverse("reports_staff:photo", args=[photo.report.case.reference, photo.pk]))

    assert response.status_code == status


def _render_panel(case, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load street_reports %}{% street_report_moderation case %}")
    return template.render(Context({"case": case, "request": request, "csrf_token": "token"}))


def test_the_console_panel_shows_what_the_public_sees_and_buttons_for_moderators(
    make_report, person, django_assert_max_num_queries
):
    report = make_report(title="Something rude", text_hidden=True)
    ReportPhotoFactory(report=report)

    with django_assert_max_num_queries(4):
        panel = _render_panel(report.case, person("officer"))

    assert "Hidden from the public" in panel and "Show the text" in panel and "Hide<span" in panel
    assert reverse("reports:report", args=[report.case.reference]) in panel
    assert "Show the text" not in _render_panel(report.case, person("agent"))


def test_the_console_panel_shows_nothing_for_other_cases(make_report, officer):
    case = make_report().case
    StreetReport.objects.filter(pk=case.pk).delete()
    case.refresh_from_db()

    assert _render_panel(case, officer).strip() == ""
