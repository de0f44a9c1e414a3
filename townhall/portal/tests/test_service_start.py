"""A service's start page: what it costs, and the help articles about it."""

import pytest
from django.urls import reverse

from townhall.catalogue.fees import FREE, register_pricing_rule
from townhall.catalogue.models import FeeKind
from townhall.catalogue.tests.factories import KnowledgeArticleFactory, ServiceFactory

pytestmark = pytest.mark.django_db

register_pricing_rule("test-start-bands", "Bands (tests)", "From £20 for up to 3 items.")(lambda service, answers: FREE)
register_pricing_rule("test-start-quiet", "No wording (tests)")(lambda service, answers: FREE)


def start_page(client, service) -> str:
    return client.get(reverse("portal:service", args=[service.slug])).content.decode()


@pytest.mark.parametrize(
    ("fee", "wording"),
    [
        ({"fee_kind": FeeKind.FIXED, "fee_pence": 2500}, "This costs £25."),
        ({"fee_kind": FeeKind.FIXED, "fee_pence": 4550}, "This costs £45.50."),
        ({"fee_kind": FeeKind.PER_ITEM, "fee_pence": 250, "fee_item_question": "details"}, "This costs £2.50 each."),
        ({"fee_kind": FeeKind.RULE, "fee_rule": "test-start-bands"}, "From £20 for up to 3 items."),
        ({"fee_kind": FeeKind.RULE, "fee_rule": "test-start-quiet"}, "The cost depends on your answers."),
    ],
)
def test_a_paid_service_says_what_it_costs_before_people_start(client, fee, wording):
    service = ServiceFactory(fund_code="FUND", **fee)

    page = start_page(client, service)

    assert '<h2 class="govuk-heading-m">Cost</h2>' in page
    assert wording in page
    assert page.index(wording) < page.index("Start now")


def test_a_free_service_says_nothing_about_cost(client):
    assert "Cost</h2>" not in start_page(client, ServiceFactory())


def test_the_start_page_links_the_published_help_articles_about_the_service(client, django_assert_max_num_queries):
    service = ServiceFactory()
    KnowledgeArticleFactory(title="When are drains cleared?", slug="drains").services.add(service)
    KnowledgeArticleFactory(title="Draft article", published=False).services.add(service)
    KnowledgeArticleFactory(title="About something else")

    with django_assert_max_num_queries(2):
        page = start_page(client, service)

    assert "Help and advice" in page
    assert (
        f'<a class="govuk-link" href="{reverse("portal:article", args=["drains"])}">When are drains cleared?</a>'
        in page
    )
    assert "Draft article" not in page and "About something else" not in page
