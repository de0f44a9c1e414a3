import pytest
from allauth.mfa.models import Authenticator
from django.db import transaction

from townhall.cases.models import Case
from townhall.catalogue.models import Channel, KnowledgeArticle, Service
from townhall.core.models import OutboxMessage
from townhall.demo.builder import build_demo

pytestmark = pytest.mark.django_db

SMALL = {"properties": 300, "customers": 20, "cases": 60, "contacts": 10}


def test_builds_a_borough_with_requests_in_every_state_and_channel():
    build_demo(sizes=SMALL)

    assert Service.objects.filter(status="published").count() >= 20
    assert set(Case.objects.values_list("status", flat=True)) >= {"submitted", "in_progress", "resolved"}
    assert set(Case.objects.values_list("channel", flat=True)) >= {Channel.WEB, Channel.PHONE}
    assert Case.objects.filter(customer__user__email="resident@wexmoor.example").exists()
    assert Authenticator.objects.filter(user__email="admin@wexmoor.example").exists()
    assert not OutboxMessage.objects.exists()
    # Every help article is linked to the services it is about, for their start pages.
    assert not KnowledgeArticle.objects.filter(services=None).exists()
    assert KnowledgeArticle.objects.get(slug="bin-day-not-collected").services.get().slug == "missed-bin"


def fingerprint(seed: int) -> list[tuple]:
    """What the borough holds for a seed, built and then rolled back."""
    with transaction.atomic():
        build_demo(sizes=SMALL, seed=seed)
        rows = list(
            Case.objects.order_by("reference").values_list(
                "reference", "service__slug", "status", "channel", "customer__name", "address__uprn"
            )
        )
        transaction.set_rollback(True)
    return rows


def test_the_same_seed_builds_the_same_borough():
    assert fingerprint(7) == fingerprint(7)
