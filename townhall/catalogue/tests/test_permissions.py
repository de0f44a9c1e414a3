"""Only council administrators build services: everyone else is refused, and changes nothing."""

import pytest
from django.urls import reverse

from townhall.catalogue.models import Department, KnowledgeArticle, NotificationTemplate, Service
from townhall.catalogue.tests.conftest import CHOICE, DETAILS
from townhall.catalogue.tests.factories import DepartmentFactory, KnowledgeArticleFactory
from townhall.core.models import AuditEvent

pytestmark = pytest.mark.django_db

REFUSED = ["anonymous", "resident", "other_resident", "agent", "officer", "team_manager", "auditor"]


@pytest.fixture
def built(live_service, admin):
    """A live service with a draft change, and an article: something for every page to show."""
    from townhall.catalogue import services

    services.save_draft_questions(
        service=live_service, questions=[CHOICE, DETAILS, {**DETAILS, "key": "more"}], by=admin
    )
    return {"service": live_service, "article": KnowledgeArticleFactory(), "department": DepartmentFactory()}


def pages(built) -> list[str]:
    service, article, department = built["service"].pk, built["article"].pk, built["department"].pk
    names = [
        ("services", []),
        ("service_create", []),
        ("service", [service]),
        ("service_edit", [service]),
        ("retire", [service]),
        ("fees", [service]),
        ("questions", [service]),
        ("question_add", [service]),
        ("question_edit", [service, "bin"]),
        ("question_type", [service, "bin"]),
        ("question_delete", [service, "bin"]),
        ("preview", [service]),
        ("version", [service, 1]),
        ("versions", [service]),
        ("publish", [service]),
        ("workflow", [service]),
        ("emails", [service]),
        ("email_edit", [service, "submitted"]),
        ("departments", []),
        ("department_create", []),
        ("department_edit", [department]),
        ("department_delete", [department]),
        ("articles", []),
        ("article_create", []),
        ("article_edit", [article]),
        ("article_delete", [article]),
    ]
    return [reverse(f"catalogue:{name}", args=args) for name, args in names]


def posts(built) -> list[tuple[str, dict]]:
    service, article, department = built["service"].pk, built["article"].pk, built["department"].pk

    def at(name, *args):
        return reverse(f"catalogue:{name}", args=[service, *args])

    return [
        (reverse("catalogue:service_create"), {"name": "X", "slug": "x", "summary": "S", "channels": ["web"]}),
        (at("service_edit"), {"name": "Renamed", "summary": "S", "channels": ["web"], "reopen_days": "28"}),
        (at("retire"), {}),
        (at("fees"), {"fee_kind": "fixed", "fee": "1", "fund_code": "HACK"}),
        (at("question_add"), {"type": "text", "revision": "0", "label": "Hacked?", "required": "yes"}),
        (at("question_edit", "bin"), {"type": "text", "revision": "0", "label": "Hacked?", "required": "yes"}),
        (at("question_move", "details"), {"direction": "up", "revision": "0"}),
        (at("question_delete", "bin"), {"revision": "0"}),
        (at("publish"), {}),
        (at("workflow"), {"label_0": "Only", "key_0": "only"}),
        (at("email_edit", "submitted"), {"action": "save", "subject": "Hacked", "body": "Hacked"}),
        (reverse("catalogue:department_create"), {"name": "Hacked"}),
        (reverse("catalogue:article_create"), {"title": "Hacked", "summary": "S", "body": "B"}),
        (reverse("catalogue:article_edit", args=[article]), {"title": "Hacked", "summary": "S", "body": "B"}),
        (reverse("catalogue:article_delete", args=[article]), {}),
        (reverse("catalogue:department_edit", args=[department]), {"name": "Hacked", "slug": "hacked"}),
        (reverse("catalogue:department_delete", args=[department]), {}),
    ]


def snapshot() -> tuple:
    return (
        list(Service.objects.values_list("name", "status", "workflow", "current_form", "fee_kind", "fee_pence")),
        [(f.service_id, f.version, f.questions, f.revision, f.published_at) for f in _forms()],
        list(Department.objects.values_list("name", flat=True)),
        list(KnowledgeArticle.objects.values_list("title", flat=True)),
        NotificationTemplate.objects.count(),
        AuditEvent.objects.filter(action__startswith="catalogue.").count(),
    )


def _forms():
    from townhall.catalogue.models import FormDefinition

    return FormDefinition.objects.order_by("pk")


def sign_in(client, make_user, kind):
    user = make_user(kind)
    if user is not None:
        client.force_login(user)
    return user


@pytest.mark.parametrize("kind", REFUSED)
def test_refuses_every_page_to_anyone_but_a_council_administrator(client, make_user, built, kind):
    sign_in(client, make_user, kind)

    for url in pages(built):
        response = client.get(url)
        if kind == "anonymous":
            assert response.status_code == 302, url
            assert response.url.startswith(reverse("account_login")), url
        else:
            assert response.status_code == 403, url


@pytest.mark.parametrize("kind", REFUSED)
def test_refused_changes_change_nothing(client, make_user, built, kind):
    sign_in(client, make_user, kind)
    before = snapshot()

    for url, data in posts(built):
        response = client.post(url, data)
        assert response.status_code == (302 if kind == "anonymous" else 403), url

    assert snapshot() == before


def test_a_council_administrator_reaches_every_page(admin_client, built):
    for url in pages(built):
        assert admin_client.get(url).status_code == 200, url


def test_a_council_administrator_without_2_step_verification_is_sent_to_set_it_up(client, built, admin):
    admin.authenticator_set.all().delete()
    client.force_login(admin)

    response = client.get(reverse("catalogue:services"))

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
