import re

import pytest
from django.urls import reverse

from townhall.catalogue.models import Channel, ServiceStatus
from townhall.catalogue.tests.factories import DepartmentFactory, KnowledgeArticleFactory, ServiceFactory
from townhall.portal.tests.conftest import make_case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url_name", ["portal:home", "portal:services", "portal:search", "portal:accessibility", "portal:privacy"]
)
def test_each_public_page_renders_with_one_heading(client, service, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


def test_the_navigation_offers_sign_in_to_visitors_and_a_sign_out_form_to_residents(client, resident):
    page = client.get(reverse("portal:home")).content.decode()
    assert reverse("account_login") in page
    assert "Sign out" not in page

    client.force_login(resident)
    page = client.get(reverse("portal:home")).content.decode()
    assert reverse("portal:account") in page
    assert f'<form method="post" action="{reverse("account_logout")}">' in page


def test_the_footer_links_to_the_accessibility_statement_and_privacy_notice(client, db):
    page = client.get(reverse("portal:home")).content.decode()

    assert reverse("portal:accessibility") in page
    assert reverse("portal:privacy") in page


def test_home_shows_the_most_requested_services_first_and_services_by_department(client, team):
    quiet = ServiceFactory(team=team, name="Apply for a thing")
    busy = ServiceFactory(team=team, name="Report a pothole")
    for _ in range(2):
        make_case(busy)

    page = client.get(reverse("portal:home")).content.decode()

    assert page.index("Report a pothole") < page.index("Apply for a thing")
    assert quiet.department.name in page


def test_a_to_z_lists_only_published_services_offered_online(client, team):
    ServiceFactory(team=team, name="Book a bulky waste collection")
    ServiceFactory(team=team, name="Draft service", status=ServiceStatus.DRAFT)
    ServiceFactory(team=team, name="Retired service", status=ServiceStatus.RETIRED)
    ServiceFactory(team=team, name="Phone only service", channels=[Channel.PHONE])

    page = client.get(reverse("portal:services")).content.decode()

    assert "Book a bulky waste collection" in page
    assert 'id="letter-B"' in page
    for hidden in ("Draft service", "Retired service", "Phone only service"):
        assert hidden not in page


def test_a_to_z_filters_by_department(client, team):
    waste = DepartmentFactory(name="Waste", slug="waste")
    ServiceFactory(team=team, name="Report a missed bin", department=waste)
    ServiceFactory(team=team, name="Report a streetlight fault")

    page = client.get(reverse("portal:services"), {"department": "waste"}).content.decode()

    assert "Report a missed bin" in page
    assert "Report a streetlight fault" not in page


@pytest.mark.parametrize("rows", [3, 30])
def test_a_to_z_takes_the_same_number_of_queries_however_many_services(
    client, team, django_assert_max_num_queries, rows
):
    for number in range(rows):
        ServiceFactory(team=team, name=f"Service {number}", department=DepartmentFactory())

    with django_assert_max_num_queries(3):
        response = client.get(reverse("portal:services"))

    assert response.status_code == 200


def test_search_finds_services_by_keyword_and_articles_by_their_body(client, team):
    ServiceFactory(team=team, name="Report fly-tipping", keywords="rubbish dumped waste")
    ServiceFactory(team=team, name="Pay for parking", keywords="car")
    KnowledgeArticleFactory(title="What happens to dumped rubbish", body="We clear dumped rubbish within 5 days.")
    KnowledgeArticleFactory(title="Hidden", body="dumped rubbish", published=False)

    page = client.get(reverse("portal:search"), {"q": "dumped rubbish"}).content.decode()

    assert "Report fly-tipping" in page
    assert "What happens to dumped rubbish" in page
    assert "Pay for parking" not in page
    assert "Hidden" not in page
    assert "Help and advice" in page


def test_search_finds_services_by_department_name(client, team):
    ServiceFactory(team=team, name="Renew a permit", department=DepartmentFactory(name="Highways"))

    page = client.get(reverse("portal:search"), {"q": "highways"}).content.decode()

    assert "Renew a permit" in page


def test_search_says_when_nothing_matches(client, service):
    page = client.get(reverse("portal:search"), {"q": "zeppelin"}).content.decode()

    assert "There are no results for “zeppelin”" in page


@pytest.mark.parametrize("rows", [3, 30])
def test_search_takes_the_same_number_of_queries_however_many_results(
    client, team, django_assert_max_num_queries, rows
):
    for number in range(rows):
        ServiceFactory(team=team, name=f"Report a noise {number}", department=DepartmentFactory())
        KnowledgeArticleFactory(title=f"Noise advice {number}")

    with django_assert_max_num_queries(3):
        response = client.get(reverse("portal:search"), {"q": "noise"})

    assert response.status_code == 200


def test_an_article_shows_its_paragraphs_and_related_online_services(client, service):
    article = KnowledgeArticleFactory(
        slug="drains", title="Who looks after drains?", body="First part.\n\nSecond part."
    )
    article.services.add(service)

    page = client.get(reverse("portal:article", args=["drains"])).content.decode()

    assert '<p class="govuk-body">First part.</p>' in page
    assert '<p class="govuk-body">Second part.</p>' in page
    assert reverse("portal:service", args=[service.slug]) in page


def test_an_unpublished_article_is_not_found(client, db):
    KnowledgeArticleFactory(slug="secret", published=False)

    assert client.get(reverse("portal:article", args=["secret"])).status_code == 404


def test_street_reporting_is_in_the_navigation_and_on_the_home_page(client, db):
    report, near_you = reverse("street_report:where"), reverse("reports:list")

    home = client.get(reverse("portal:home")).content.decode()
    a_to_z = client.get(reverse("portal:services")).content.decode()

    assert home.count(f'href="{report}"') == 2  # navigation and the street problems box
    assert home.count(f'href="{near_you}"') == 1  # the box
    assert a_to_z.count(f'href="{report}"') == 1 and near_you not in a_to_z
    assert ">Report a problem<" in home and ">Reports near you<" in home


@pytest.mark.parametrize("url_name", ["street_report:where", "reports:list"])
def test_street_reporting_pages_mark_their_navigation_item(client, db, url_name):
    page = client.get(reverse(url_name)).content.decode()

    current = re.findall(r'aria-current="true"><strong[^>]*>([^<]+)<', page)
    assert current == ["Report a problem"]
