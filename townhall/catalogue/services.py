"""Every change to the service catalogue, each in one transaction with its audit event.

Refusals are Django `ValidationError`s in words an officer can act on. Where a refusal
belongs to one input, it is keyed by that input's name so a form can show it beside it.
"""

import hashlib
import json
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from townhall.accounts.models import Team
from townhall.catalogue import fees
from townhall.catalogue.models import (
    Channel,
    Department,
    FeeKind,
    FormDefinition,
    KnowledgeArticle,
    NotificationEvent,
    NotificationTemplate,
    Service,
    ServiceStatus,
)
from townhall.catalogue.questions import definition_errors, parse_questions
from townhall.catalogue.selectors import latest_form
from townhall.core import audit
from townhall.notifications.placeholders import placeholder_error


class StaleFormError(ValidationError):
    """The questions changed since the officer loaded them, so their change was not saved."""


_STATE_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# What update_service and update_article may change: the fields of the service builder's
# service and article forms, in the order those forms ask for them.
SERVICE_FIELDS = (
    "name",
    "slug",
    "department",
    "summary",
    "description",
    "eligibility",
    "keywords",
    "team",
    "deadline_working_days",
    "restricted",
    "restricted_to_teams",
    "channels",
    "open311_code",
    "reopen_days",
)
ARTICLE_FIELDS = ("title", "slug", "summary", "body", "department", "services", "keywords", "published")


def _locked(service: Service) -> Service:
    """The service row under lock: editors of one service take turns."""
    return Service.objects.select_for_update().get(pk=service.pk)


def _unique_or_refuse(save, message: str) -> None:
    """Runs `save`; a unique constraint lost to a concurrent request becomes a refusal."""
    try:
        with transaction.atomic():
            save()
    except IntegrityError as exc:
        raise ValidationError(message) from exc


# Services


def _check_service(service: Service) -> None:
    service.full_clean(exclude=["current_form", "workflow", "channels"])
    offered = list(service.channels or [])
    if not offered:
        raise ValidationError({"channels": _("Select at least one channel the service is offered on")})
    if not set(offered) <= set(Channel.values):
        raise ValidationError({"channels": _("Select channels from the list")})


def create_service(
    *,
    by,
    name: str,
    slug: str,
    department: Department,
    summary: str,
    team: Team,
    description: str = "",
    eligibility: str = "",
    keywords: str = "",
    deadline_working_days: int | None = None,
    restricted: bool = False,
    restricted_to_teams: Iterable[Team] = (),
    channels: list[str] | None = None,
    open311_code: str | None = None,
    reopen_days: int = 28,
) -> Service:
    """A draft service with an empty draft form (version 1), ready for its questions."""
    service = Service(
        name=name,
        slug=slug,
        department=department,
        summary=summary,
        team=team,
        description=description,
        eligibility=eligibility,
        keywords=keywords,
        deadline_working_days=deadline_working_days,
        restricted=restricted,
        open311_code=open311_code or None,
        reopen_days=reopen_days,
        status=ServiceStatus.DRAFT,
    )
    if channels is not None:
        service.channels = list(channels)
    _check_service(service)

    def save() -> None:
        service.save()
        service.restricted_to_teams.set(restricted_to_teams if restricted else [])
        FormDefinition.objects.create(service=service, version=1, questions=[], created_by=by)
        audit.record(actor=by, action="catalogue.service_created", target=service, data={"slug": service.slug})

    _unique_or_refuse(save, _("Another service already uses this slug or Open311 code. Choose another."))
    return service


def update_service(*, service: Service, by, **fields) -> Service:
    """Change a service's settings. Its slug is fixed once published: people and other
    systems link to it."""
    unknown = fields.keys() - set(SERVICE_FIELDS)
    if unknown:
        raise TypeError(f"update_service cannot change {sorted(unknown)}")
    teams = fields.pop("restricted_to_teams", None)
    if "open311_code" in fields:
        fields["open311_code"] = fields["open311_code"] or None

    def save() -> None:
        current = _locked(service)
        changed = [name for name, value in fields.items() if getattr(current, name) != value]
        if "slug" in changed and current.current_form_id is not None:
            raise ValidationError({"slug": _("The slug cannot change once the service has been published")})
        for name in changed:
            setattr(current, name, fields[name])
        _check_service(current)
        if changed:
            current.save(update_fields=[*changed, "updated_at"])
        wanted = set(teams if teams is not None and current.restricted else [])
        if (teams is not None or "restricted" in changed) and wanted != set(current.restricted_to_teams.all()):
            current.restricted_to_teams.set(wanted)
            changed.append("restricted_to_teams")
        if changed:
            audit.record(actor=by, action="catalogue.service_updated", target=current, data={"changed": changed})
        service.refresh_from_db()

    _unique_or_refuse(save, _("Another service already uses this Open311 code. Choose another."))
    return service


def _check_revision(form: FormDefinition | None, expected_revision: int | None) -> None:
    if expected_revision is not None and (form.revision if form else 0) != expected_revision:
        raise StaleFormError(
            _(
                "The questions changed after you opened this page, in another tab or by another "
                "administrator. Your change was not saved: check the questions and try again."
            ),
            code="stale",
        )


def save_draft_questions(
    *, service: Service, questions: list[dict], by, expected_revision: int | None = None
) -> FormDefinition:
    """Save the whole list of questions as the draft form.

    Writes to the draft version, or starts the next version when the latest is published
    (published versions never change: requests keep the version they answered).
    `expected_revision` is the revision the officer saw; a form changed since is refused.
    """
    errors = definition_errors(questions)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _locked(service)
        form = latest_form(service)
        _check_revision(form, expected_revision)
        if form is not None and form.questions == questions:
            return form
        if form is not None and form.is_draft:
            form.questions = questions
            form.revision += 1
            form.save(update_fields=["questions", "revision"])
        else:
            form = FormDefinition.objects.create(
                service=service,
                version=form.version + 1 if form else 1,
                revision=form.revision + 1 if form else 1,
                questions=questions,
                created_by=by,
            )
        audit.record(
            actor=by,
            action="catalogue.questions_saved",
            target=form,
            data={"service": service.pk, "version": form.version, "revision": form.revision},
        )
    return form


def publish_service(*, service: Service, by, expected_revision: int | None = None) -> FormDefinition:
    """Make the latest draft form the one residents answer, and the service live.

    A retired service with no draft comes back with the version it had. Publishing what
    is already live changes nothing, so a repeated click is harmless.
    """
    with transaction.atomic():
        current = _locked(service)
        form = latest_form(current)
        _check_revision(form, expected_revision)
        if form is None or not form.questions:
            raise ValidationError(_("Add at least one question before publishing the service."))
        if form.is_draft:
            errors = definition_errors(form.questions)
            if errors:
                raise ValidationError([_("Fix the questions before publishing:"), *errors])
            form.published_at = timezone.now()
            form.save(update_fields=["published_at"])
            current.current_form = form
        elif current.status == ServiceStatus.PUBLISHED:
            return form
        current.status = ServiceStatus.PUBLISHED
        current.save(update_fields=["status", "current_form", "updated_at"])
        audit.record(actor=by, action="catalogue.service_published", target=current, data={"version": form.version})
    service.refresh_from_db()
    return form


def retire_service(*, service: Service, by) -> Service:
    """Stop taking new requests. Requests already made carry on to the end."""
    with transaction.atomic():
        current = _locked(service)
        if current.status == ServiceStatus.RETIRED:
            raise ValidationError(_("This service is already retired."))
        current.status = ServiceStatus.RETIRED
        current.save(update_fields=["status", "updated_at"])
        audit.record(actor=by, action="catalogue.service_retired", target=current)
    service.refresh_from_db()
    return service


# Workflow


def workflow_marker(workflow: list[dict]) -> str:
    """A short fingerprint of a workflow, to notice that someone else changed it."""
    return hashlib.sha256(json.dumps(workflow, sort_keys=True).encode()).hexdigest()[:16]


def workflow_errors(states: list[dict]) -> list[str]:
    """Everything wrong with a list of states, in words an officer can act on."""
    if not states:
        return [_("Add at least one state")]
    errors: list[str] = []
    seen: set[str] = set()
    for number, state in enumerate(states, start=1):
        where = _("State %(n)s") % {"n": number}
        if not _STATE_KEY.match(state["key"]):
            errors.append(
                f"{where}: "
                + _("the key must start with a letter and use only a–z, 0–9 and underscores, up to 40 characters")
            )
        elif state["key"] in seen:
            errors.append(f"{where}: " + _("the key “%(key)s” is used twice") % {"key": state["key"]})
        seen.add(state["key"])
        if not state["label"]:
            errors.append(f"{where}: " + _("enter a label"))
        elif len(state["label"]) > 100:
            errors.append(f"{where}: " + _("the label must be 100 characters or fewer"))
        if len(state.get("staff_label", "")) > 100:
            errors.append(f"{where}: " + _("the label staff see must be 100 characters or fewer"))
    if states[0]["closed"]:
        errors.append(_("The first state is where new requests start, so it must be open"))
    if not any(state["closed"] for state in states):
        errors.append(_("Add at least one closed state, for requests that are finished"))
    return errors


def set_workflow(*, service: Service, states: list[dict], by, expected_marker: str | None = None) -> Service:
    """Replace the states a request moves through. New requests start in the first.

    Refuses to remove a state that open requests are in, or to change whether a state is
    closed while requests are in it: they would be left somewhere that no longer exists.
    A state may carry a `staff_label` for the console where its label speaks to the resident.
    """
    states = [
        {"key": str(s["key"]).strip(), "label": str(s["label"]).strip(), "closed": bool(s.get("closed"))}
        | ({"staff_label": staff_label} if (staff_label := str(s.get("staff_label") or "").strip()) else {})
        for s in states
    ]
    with transaction.atomic():
        current = _locked(service)
        # Checked first: a form built from an older workflow may not mean what it says.
        if expected_marker is not None and workflow_marker(current.workflow) != expected_marker:
            raise ValidationError(
                _("Someone else changed the workflow after you opened this page. Your change was not saved."),
                code="stale",
            )
        errors = workflow_errors(states)
        if errors:
            raise ValidationError(errors)
        new = {s["key"]: s for s in states}
        removed = [s for s in current.workflow if s["key"] not in new]
        flipped = [s for s in current.workflow if s["key"] in new and new[s["key"]]["closed"] != s["closed"]]
        counts = {
            row["status"]: row
            for row in current.cases.filter(status__in=[s["key"] for s in removed + flipped])
            .values("status")
            .annotate(total=Count("pk"), open=Count("pk", filter=Q(is_closed=False)))
        }
        for state in removed:
            open_count = counts.get(state["key"], {}).get("open", 0)
            if open_count:
                errors.append(
                    ngettext(
                        "%(count)s open request is in “%(label)s”: move it to another state before removing it.",
                        "%(count)s open requests are in “%(label)s”: move them to another state before removing it.",
                        open_count,
                    )
                    % {"count": open_count, "label": state["label"]}
                )
        for state in flipped:
            total = counts.get(state["key"], {}).get("total", 0)
            if total:
                errors.append(
                    ngettext(
                        "%(count)s request is in “%(label)s”, so it cannot change between open and closed.",
                        "%(count)s requests are in “%(label)s”, so it cannot change between open and closed.",
                        total,
                    )
                    % {"count": total, "label": state["label"]}
                )
        if errors:
            raise ValidationError(errors)
        if current.workflow != states:
            current.workflow = states
            current.save(update_fields=["workflow", "updated_at"])
            audit.record(
                actor=by,
                action="catalogue.workflow_set",
                target=current,
                data={"states": [s["key"] for s in states], "removed": [s["key"] for s in removed]},
            )
    service.refresh_from_db()
    return service


# Notification templates


def save_notification_template(*, service: Service, event: str, subject: str, body: str, by) -> NotificationTemplate:
    """The service's own text for one email, in place of the council's default."""
    if event not in NotificationEvent.values:
        raise ValidationError(_("Choose an email to change"))
    subject, body = subject.strip(), body.strip()
    errors: dict[str, list[str]] = {}
    if not subject:
        errors["subject"] = [_("Enter the subject of the email")]
    elif len(subject) > 200:
        errors["subject"] = [_("The subject must be 200 characters or fewer")]
    elif problem := placeholder_error(subject, event):
        errors["subject"] = [problem]
    if not body:
        errors["body"] = [_("Enter the text of the email")]
    elif problem := placeholder_error(body, event):
        errors["body"] = [problem]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _locked(service)
        template, created = NotificationTemplate.objects.update_or_create(
            service=service, event=event, defaults={"subject": subject, "body": body}
        )
        audit.record(
            actor=by,
            action="catalogue.notification_template_saved",
            target=template,
            data={"service": service.pk, "event": event, "created": created},
        )
    return template


def reset_notification_template(*, service: Service, event: str, by) -> None:
    """Go back to the council's default text for one email."""
    with transaction.atomic():
        deleted, _counts = NotificationTemplate.objects.filter(service=service, event=event).delete()
        if deleted:
            audit.record(
                actor=by,
                action="catalogue.notification_template_reset",
                target=service,
                data={"event": event},
            )


# Departments and knowledge articles


def create_department(*, by, name: str, slug: str, description: str = "") -> Department:
    department = Department(name=name, slug=slug, description=description)
    department.full_clean()

    def save() -> None:
        department.save()
        audit.record(actor=by, action="catalogue.department_created", target=department, data={"name": name})

    _unique_or_refuse(save, _("Another department already has this name or slug."))
    return department


def update_department(*, department: Department, by, name: str, slug: str, description: str = "") -> Department:
    def save() -> None:
        current = Department.objects.select_for_update().get(pk=department.pk)
        fields = {"name": name, "slug": slug, "description": description}
        changed = [field for field, value in fields.items() if getattr(current, field) != value]
        for field in changed:
            setattr(current, field, fields[field])
        current.full_clean()
        if changed:
            current.save(update_fields=changed)
            audit.record(actor=by, action="catalogue.department_updated", target=current, data={"changed": changed})

    _unique_or_refuse(save, _("Another department already has this name or slug."))
    department.refresh_from_db()
    return department


@transaction.atomic
def delete_department(*, department: Department, by) -> bool:
    """Only a department with no services goes: a service must always have one. Its
    articles stay, without a department. False if it was gone already (a repeated request)."""
    # Locked, so that no service can join it while it goes.
    current = Department.objects.select_for_update().filter(pk=department.pk).first()
    if current is None:
        return False
    count = current.services.count()
    if count:
        raise ValidationError(
            ngettext(
                "%(name)s has %(count)s service, so it cannot be deleted. Move the service to another "
                "department first.",
                "%(name)s has %(count)s services, so it cannot be deleted. Move the services to another "
                "department first.",
                count,
            )
            % {"name": current.name, "count": count}
        )
    audit.record(actor=by, action="catalogue.department_deleted", target=current, data={"name": current.name})
    current.delete()
    return True


def create_article(
    *,
    by,
    title: str,
    slug: str,
    summary: str,
    body: str,
    department: Department | None = None,
    services: Iterable[Service] = (),
    keywords: str = "",
    published: bool = True,
) -> KnowledgeArticle:
    article = KnowledgeArticle(
        title=title,
        slug=slug,
        summary=summary,
        body=body,
        department=department,
        keywords=keywords,
        published=published,
    )
    article.full_clean()

    def save() -> None:
        article.save()
        article.services.set(services)
        audit.record(actor=by, action="catalogue.article_created", target=article, data={"slug": slug})

    _unique_or_refuse(save, _("Another article already uses this slug. Choose another."))
    return article


def update_article(*, article: KnowledgeArticle, by, **fields) -> KnowledgeArticle:
    unknown = fields.keys() - set(ARTICLE_FIELDS)
    if unknown:
        raise TypeError(f"update_article cannot change {sorted(unknown)}")
    linked = fields.pop("services", None)

    def save() -> None:
        current = KnowledgeArticle.objects.select_for_update().get(pk=article.pk)
        changed = [name for name, value in fields.items() if getattr(current, name) != value]
        for name in changed:
            setattr(current, name, fields[name])
        current.full_clean()
        if changed:
            current.save(update_fields=[*changed, "updated_at"])
        if linked is not None and set(linked) != set(current.services.all()):
            current.services.set(linked)
            changed.append("services")
        if changed:
            audit.record(actor=by, action="catalogue.article_updated", target=current, data={"changed": changed})

    _unique_or_refuse(save, _("Another article already uses this slug. Choose another."))
    article.refresh_from_db()
    return article


@transaction.atomic
def delete_article(*, article: KnowledgeArticle, by) -> bool:
    """Gone for good; contacts it answered keep their record without it. To keep it but
    hide it from residents, unpublish it instead (`update_article(published=False)`).
    False if it was gone already (a repeated request)."""
    current = KnowledgeArticle.objects.select_for_update().filter(pk=article.pk).first()
    if current is None:
        return False
    audit.record(
        actor=by,
        action="catalogue.article_deleted",
        target=current,
        data={"slug": current.slug, "title": current.title},
    )
    current.delete()
    return True


# Fees


@transaction.atomic
def set_fee(
    *,
    service: Service,
    by,
    fee_kind: str,
    fee_pence: int = 0,
    fee_item_question: str = "",
    fee_rule: str = "",
    fund_code: str = "",
    refund_rule: str = "",
) -> Service:
    """What requests to the service cost, the ledger code the income goes to, and any
    refund rule. Requests already made keep the fee they were made with."""
    errors: dict[str, str] = {}
    charging = fee_kind != FeeKind.NONE
    if fee_kind not in FeeKind.values:
        errors["fee_kind"] = _("Choose whether the service costs money")
    if fee_kind in (FeeKind.FIXED, FeeKind.PER_ITEM) and fee_pence <= 0:
        errors["fee"] = _("Enter the fee, for example £35 or £4.50")
    if fee_kind == FeeKind.PER_ITEM:
        numbers = {q.key for q in parse_questions(latest_form(service).questions) if q.type == "number"}
        if fee_item_question not in numbers:
            errors["fee_item_question"] = _("Choose the number question that says how many items")
    if fee_kind == FeeKind.RULE and fee_rule not in dict(fees.pricing_rule_choices()):
        errors["fee_rule"] = _("Choose a pricing rule")
    if refund_rule and refund_rule not in dict(fees.refund_rule_choices()):
        errors["refund_rule"] = _("Choose a refund rule from the list")
    if charging and not fund_code.strip():
        errors["fund_code"] = _("Enter the ledger code the income goes to")
    if errors:
        raise ValidationError(errors)
    current = _locked(service)
    current.fee_kind = fee_kind
    current.fee_pence = fee_pence if fee_kind in (FeeKind.FIXED, FeeKind.PER_ITEM) else 0
    current.fee_item_question = fee_item_question if fee_kind == FeeKind.PER_ITEM else ""
    current.fee_rule = fee_rule if fee_kind == FeeKind.RULE else ""
    current.fund_code = fund_code.strip().upper()
    current.refund_rule = refund_rule if charging else ""
    current.save(
        update_fields=[
            "fee_kind",
            "fee_pence",
            "fee_item_question",
            "fee_rule",
            "fund_code",
            "refund_rule",
            "updated_at",
        ]
    )
    audit.record(
        actor=by,
        action="catalogue.fee_set",
        target=current,
        data={"kind": fee_kind, "pence": current.fee_pence, "rule": current.fee_rule, "fund": current.fund_code},
    )
    return current
