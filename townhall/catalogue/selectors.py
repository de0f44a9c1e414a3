"""Reads the service builder's pages share."""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from townhall.catalogue.models import (
    Department,
    FormDefinition,
    KnowledgeArticle,
    NotificationEvent,
    NotificationTemplate,
    Service,
)
from townhall.notifications.templates_default import DEFAULT_TEMPLATES


def service_list(*, department: Department | None = None, status: str = "") -> QuerySet[Service]:
    """Services with what the list shows, and `latest_version` (a draft's, if it has one)."""
    latest = FormDefinition.objects.filter(service=OuterRef("pk")).order_by("-version").values("version")[:1]
    services = Service.objects.select_related("department", "team", "current_form").annotate(
        latest_version=Subquery(latest)
    )
    if department is not None:
        services = services.filter(department=department)
    if status:
        services = services.filter(status=status)
    return services.order_by("name", "pk")


def service_for_editing(pk: int) -> Service:
    """One service with what its overview shows. Raises Service.DoesNotExist."""
    return (
        Service.objects.select_related("department", "team", "current_form")
        .prefetch_related("restricted_to_teams")
        .get(pk=pk)
    )


def latest_form(service: Service) -> FormDefinition | None:
    """The version being edited: the draft if there is one, else the one residents see."""
    return service.form_versions.order_by("-version").first()


def form_versions(service: Service) -> QuerySet[FormDefinition]:
    return service.form_versions.select_related("created_by").order_by("-version")


def department_list() -> QuerySet[Department]:
    return Department.objects.annotate(service_count=Count("services")).order_by("name")


def article_list() -> QuerySet[KnowledgeArticle]:
    return KnowledgeArticle.objects.select_related("department").prefetch_related("services").order_by("title", "pk")


@dataclass(frozen=True)
class EmailText:
    """One email a service's requests send: its own text if it has one, and the default."""

    event: str
    label: str
    template: NotificationTemplate | None
    default_subject: str
    default_body: str

    @property
    def subject(self) -> str:
        return self.template.subject if self.template else self.default_subject

    @property
    def body(self) -> str:
        return self.template.body if self.template else self.default_body


def email_texts(service: Service) -> list[EmailText]:
    """Every event's email for the service; the default is the council's own, else the built-in one."""
    templates = {
        (t.service_id, t.event): t
        for t in NotificationTemplate.objects.filter(Q(service=service) | Q(service__isnull=True))
    }
    texts = []
    for event, label in NotificationEvent.choices:
        council = templates.get((None, event))
        subject, body = (council.subject, council.body) if council else DEFAULT_TEMPLATES[event]
        texts.append(EmailText(event, label, templates.get((service.pk, event)), subject, body))
    return texts
