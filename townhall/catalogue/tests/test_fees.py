"""A service's fee, set by a council administrator in the service builder, and the price
worked out from it on the server."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from townhall.catalogue import services
from townhall.catalogue.fees import Price, PriceLine, price_for, register_pricing_rule, register_refund_rule
from townhall.catalogue.models import FeeKind
from townhall.core.models import AuditEvent

pytestmark = pytest.mark.django_db

SACKS = {"key": "sacks", "type": "number", "label": "How many sacks?", "required": True, "min": 1, "max": 20}


def test_a_fixed_fee_is_the_price_whatever_the_answers(live_service, admin):
    services.set_fee(service=live_service, by=admin, fee_kind=FeeKind.FIXED, fee_pence=3500, fund_code="env-bulky")

    live_service.refresh_from_db()
    assert price_for(live_service, {}).amount == 3500
    assert live_service.fund_code == "ENV-BULKY"
    assert AuditEvent.objects.filter(action="catalogue.fee_set", data__pence=3500).exists()


def test_a_price_per_item_multiplies_by_the_number_the_resident_gave(live_service, admin):
    services.save_draft_questions(service=live_service, questions=[SACKS], by=admin)
    services.set_fee(
        service=live_service,
        by=admin,
        fee_kind=FeeKind.PER_ITEM,
        fee_pence=250,
        fee_item_question="sacks",
        fund_code="ENV-GARDEN",
    )

    live_service.refresh_from_db()
    price = price_for(live_service, {"sacks": 3})

    assert price.amount == 750
    assert price.lines[0].label.endswith("3 × £2.50")
    assert price_for(live_service, {"sacks": 0}).amount == 0


def test_a_modules_pricing_rule_prices_the_answers(live_service, admin):
    @register_pricing_rule("test-bands", "Bands by item count (tests)")
    def bands(service, answers):
        return Price([PriceLine("Up to 3 items", 2500)]) if int(answers["n"]) <= 3 else Price([PriceLine("4+", 4000)])

    services.set_fee(service=live_service, by=admin, fee_kind=FeeKind.RULE, fee_rule="test-bands", fund_code="X")
    live_service.refresh_from_db()

    assert price_for(live_service, {"n": 2}).amount == 2500
    assert price_for(live_service, {"n": 5}).amount == 4000


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"fee_kind": FeeKind.FIXED, "fee_pence": 0, "fund_code": "X"}, "fee"),
        ({"fee_kind": FeeKind.FIXED, "fee_pence": 100, "fund_code": " "}, "fund_code"),
        (
            {"fee_kind": FeeKind.PER_ITEM, "fee_pence": 100, "fee_item_question": "bin", "fund_code": "X"},
            "fee_item_question",
        ),
        ({"fee_kind": FeeKind.RULE, "fee_rule": "no-such-rule", "fund_code": "X"}, "fee_rule"),
        ({"fee_kind": FeeKind.FIXED, "fee_pence": 100, "fund_code": "X", "refund_rule": "nope"}, "refund_rule"),
        ({"fee_kind": "lots"}, "fee_kind"),
    ],
)
def test_a_fee_that_does_not_add_up_is_refused_and_nothing_changes(live_service, admin, fields, field):
    with pytest.raises(ValidationError) as error:
        services.set_fee(service=live_service, by=admin, **fields)

    assert field in error.value.message_dict
    live_service.refresh_from_db()
    assert live_service.fee_kind == FeeKind.NONE


def test_making_a_service_free_clears_its_price_and_refund_rule(live_service, admin):
    register_refund_rule("test-none", "No refunds (tests)")(lambda payment, amount: "No")
    services.set_fee(
        service=live_service, by=admin, fee_kind=FeeKind.FIXED, fee_pence=100, fund_code="X", refund_rule="test-none"
    )

    services.set_fee(service=live_service, by=admin, fee_kind=FeeKind.NONE, fund_code="X")

    live_service.refresh_from_db()
    assert (live_service.fee_pence, live_service.refund_rule, live_service.charges) == (0, "", False)


def test_the_fee_page_takes_pounds_and_shows_errors_next_to_the_fields(admin_client, live_service):
    url = reverse("catalogue:fees", args=[live_service.pk])

    refused = admin_client.post(url, {"fee_kind": "fixed", "fee": "thirty", "fund_code": ""})
    saved = admin_client.post(url, {"fee_kind": "fixed", "fee": "£35.50", "fund_code": "ENV-1"})

    page = refused.content.decode()
    assert refused.status_code == 200
    assert "There is a problem" in page and "Enter the fee in pounds" in page
    assert saved.status_code == 302
    live_service.refresh_from_db()
    assert (live_service.fee_kind, live_service.fee_pence) == ("fixed", 3550)
    overview = admin_client.get(reverse("catalogue:service", args=[live_service.pk])).content.decode()
    assert "£35.50" in overview and "ENV-1" in overview
