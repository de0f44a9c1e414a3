"""Every write about containers and assisted collections, each one transaction with its
audit event; events to the back office go through the outbox (`send_waste_event`).

A container request is a case of the containers service with a `ContainerRequest` hanging
off it. A free one is a delivery job at once; a charged one waits for its payment and
becomes the job when paid (`payments.case_paid`); a larger bin waits for an officer's
approval. An assisted collection application is a case of its own service; approved, it
gives the property its `AssistedCollection`.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from townhall.cases import services as case_services
from townhall.cases.models import Case
from townhall.cases.services import Requester
from townhall.catalogue.models import Service
from townhall.core import audit
from townhall.customers import services as customer_services
from townhall.customers.models import AlertKind
from townhall.gazetteer.models import Property
from townhall.payments.services import case_paid
from townhall.waste.backoffice import WasteTopic, send_waste_event
from townhall.waste.containers.rules import (
    AssistedError,
    ContainerError,
    larger_bin_refusal,
    quote,
    short_name,
    what_is_asked,
)
from townhall.waste.containers.selectors import is_assisted, pending_application
from townhall.waste.models import (
    AssistedApplication,
    AssistedCollection,
    AssistedDuration,
    Container,
    ContainerRequest,
    Decision,
    DeliveryStatus,
    PropertyRound,
)

# Container requests


def _place_answer(place: Property) -> dict:
    return {"uprn": place.uprn, "text": place.single_line}


def _existing(submission_key, related: str):
    if not submission_key:
        return None
    case = Case.objects.filter(submission_key=submission_key).first()
    return getattr(case, related, None) if case is not None else None


def request_container(
    *,
    service: Service,
    place: Property,
    container: str,
    reason: str,
    quantity: int,
    channel: str,
    requester: Requester,
    by=None,
    household_size: int | None = None,
    medical_need: bool | None = None,
    medical_details: str = "",
    submission_key=None,
) -> ContainerRequest:
    """Ask for containers for `place`. A free one becomes a delivery job at once, a charged
    one waits for its payment, a larger bin for an officer's approval. The same submission
    key always gives the same request. Raises ContainerError when the rules refuse it and
    django's ValidationError when the answers do not fit the service's form."""
    if (existing := _existing(submission_key, "container_request")) is not None:
        return existing
    with transaction.atomic():
        # Under the property's lock, so two requests at once cannot both have the free box.
        place = Property.objects.select_for_update().get(pk=place.pk)
        found = quote(place=place, container=container, reason=reason, quantity=quantity)
        answers = {
            "address": _place_answer(place),
            "container": container,
            "reason": reason,
            "quantity": str(quantity),
        }
        if found.rule.needs_approval:
            if household_size is None or medical_need is None:
                raise ContainerError(_("Tell us how many people live at the address and about any medical need."))
            refusal = larger_bin_refusal(household_size=household_size, medical_need=medical_need)
            if refusal:
                raise ContainerError(refusal)
            answers |= {"household_size": str(household_size), "medical_need": "yes" if medical_need else "no"}
            if medical_need and medical_details.strip():
                answers["medical_details"] = medical_details.strip()
        case = case_services.submit_case(
            service=service,
            answers=answers,
            channel=channel,
            by=by,
            requester=requester,
            address=place,
            submission_key=submission_key,
            fee=found.price.amount,
        )
        if (already := ContainerRequest.objects.filter(case=case).first()) is not None:
            return already  # a concurrent submission with the same key made it
        if case.fee:
            status = DeliveryStatus.AWAITING_PAYMENT
        elif found.rule.needs_approval:
            status = DeliveryStatus.AWAITING_APPROVAL
        else:
            status = DeliveryStatus.TO_DELIVER
        request = ContainerRequest.objects.create(
            case=case,
            property=place,
            container=container,
            kind=found.rule.kind,
            reason=reason,
            quantity=quantity,
            charged_quantity=found.charged_quantity,
            price_pence=found.price.amount,
            household_size=household_size if found.rule.needs_approval else None,
            medical_need=medical_need if found.rule.needs_approval else None,
            medical_details=answers.get("medical_details", ""),
            decision=Decision.PENDING if found.rule.needs_approval else Decision.NOT_NEEDED,
            delivery_status=status,
        )
        audit.record(
            actor=by,
            action="waste.container_requested",
            target=request,
            data={"case": case.reference, "container": container, "quantity": quantity, "price": case.fee},
        )
        if status == DeliveryStatus.TO_DELIVER:
            _send_job(request)
        return request


def _send_job(request: ContainerRequest) -> None:
    """The delivery job, for the back office: the case itself is the waste team's job."""
    place = request.property
    send_waste_event(
        WasteTopic.CONTAINER_JOB,
        {
            "uprn": place.uprn,
            "address": place.single_line,
            "container": request.container,
            "container_name": str(Container(request.container).label),
            "kind": request.kind,
            "reason": request.reason,
            "quantity": request.quantity,
            "paid_pence": request.price_pence,
            "assisted": is_assisted(place),
        },
        case=request.case,
    )


def _release_paid_request(sender, case: Case, **kwargs) -> None:
    """`payments.case_paid` receiver: a paid request becomes its delivery job, in the
    transaction that recorded the payment."""
    request = (
        ContainerRequest.objects.select_for_update(of=("self",))
        .select_related("case", "property")
        .filter(case=case, delivery_status=DeliveryStatus.AWAITING_PAYMENT)
        .first()
    )
    if request is None:
        return
    request.delivery_status = DeliveryStatus.TO_DELIVER
    request.save(update_fields=["delivery_status"])
    audit.record(actor=None, action="waste.container_paid", target=request, data={"case": case.reference})
    _send_job(request)


case_paid.connect(_release_paid_request, dispatch_uid="waste.containers.release_paid_request")


def _locked_request(request: ContainerRequest) -> ContainerRequest:
    return (
        ContainerRequest.objects.select_for_update(of=("self",))
        .select_related("case__service", "property")
        .get(pk=request.pk)
    )


def _done_state(service: Service) -> str:
    """Where a finished request goes: the workflow's first closed state that is not "withdrawn"."""
    closed = [state["key"] for state in service.workflow if state["closed"] and state["key"] != "withdrawn"]
    return closed[0] if closed else service.withdrawn_state


def _close_case(case: Case, *, by, public_text: str, reason: str = "") -> None:
    case.refresh_from_db(fields=["status", "is_closed", "version"])
    if case.is_closed:
        return  # an officer closed it already from the case page
    case_services.change_status(
        case=case, status=_done_state(case.service), by=by, reason=reason, public_text=public_text
    )


@transaction.atomic
def decide_container_request(
    *, container_request: ContainerRequest, approve: bool, reason: str = "", by
) -> ContainerRequest:
    """An officer's decision on a request that needs approval (a larger bin). Approved, it
    becomes a delivery job; refused, the case is closed telling the resident why."""
    request = _locked_request(container_request)
    if request.decision != Decision.PENDING:
        raise ContainerError(_("This request has been decided already."))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ContainerError(_("Enter the reason for refusing the request"))
    request.decision = Decision.APPROVED if approve else Decision.REFUSED
    request.decision_reason = reason
    request.decided_by = by
    request.decided_at = timezone.now()
    request.delivery_status = DeliveryStatus.TO_DELIVER if approve else DeliveryStatus.CANCELLED
    request.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at", "delivery_status"])
    what = what_is_asked(request.container, request.kind)
    if approve:
        case_services.add_public_update(
            case=request.case,
            text=_("We have approved your request for %(what)s. We will deliver it soon.") % {"what": what},
            by=by,
        )
        _send_job(request)
    else:
        _close_case(
            request.case,
            by=by,
            reason=reason,
            public_text=_("We cannot give you %(what)s. %(reason)s") % {"what": what, "reason": reason},
        )
    audit.record(
        actor=by,
        action="waste.container_approved" if approve else "waste.container_refused",
        target=request,
        data={"case": request.case.reference, "reason": reason},
    )
    return request


@transaction.atomic
def record_delivery(*, container_request: ContainerRequest, by) -> ContainerRequest:
    """The containers were delivered: the job is done and the resident told."""
    request = _locked_request(container_request)
    if request.delivery_status != DeliveryStatus.TO_DELIVER:
        raise ContainerError(_("Only a request waiting for delivery can be marked as delivered."))
    request.delivery_status = DeliveryStatus.DELIVERED
    request.delivered_at = timezone.now()
    request.delivered_by = by
    request.save(update_fields=["delivery_status", "delivered_at", "delivered_by"])
    _close_case(
        request.case,
        by=by,
        public_text=_("We delivered your %(container)s on %(date)s.")
        % {
            "container": short_name(request.container),
            "date": date_format(timezone.localdate(), "j F Y"),
        },
    )
    audit.record(actor=by, action="waste.container_delivered", target=request, data={"case": request.case.reference})
    return request


# Assisted collections


def apply_for_assisted_collection(
    *,
    service: Service,
    place: Property,
    reason: str,
    bin_location: str,
    duration: str,
    someone_can_help: bool,
    channel: str,
    requester: Requester,
    by=None,
    details: str = "",
    until: dt.date | None = None,
    submission_key=None,
) -> AssistedApplication:
    """A resident asks for an assisted collection; the case goes to the waste team for an
    officer's decision. One application or assisted collection per property at a time."""
    if (existing := _existing(submission_key, "assisted_application")) is not None:
        return existing
    if duration == AssistedDuration.TEMPORARY:
        if until is None:
            raise AssistedError(_("Enter the date you need help until"))
        if until <= timezone.localdate():
            raise AssistedError(_("The date you need help until must be in the future"))
    else:
        until = None
    with transaction.atomic():
        place = Property.objects.select_for_update().get(pk=place.pk)
        if pending_application(place) is not None or is_assisted(place):
            raise AssistedError(
                _(
                    "We already have an assisted collection or an application for one at this address. "
                    "Contact us if it needs to change."
                )
            )
        answers = {
            "address": _place_answer(place),
            "reason": reason,
            "bin_location": bin_location.strip(),
            "duration": duration,
            "someone_can_help": "yes" if someone_can_help else "no",
        }
        if details.strip():
            answers["details"] = details.strip()
        if until is not None:
            answers["until"] = until.isoformat()
        case = case_services.submit_case(
            service=service,
            answers=answers,
            channel=channel,
            by=by,
            requester=requester,
            address=place,
            submission_key=submission_key,
            fee=0,
        )
        if (already := AssistedApplication.objects.filter(case=case).first()) is not None:
            return already
        application = AssistedApplication.objects.create(
            case=case,
            property=place,
            reason=reason,
            details=details.strip(),
            bin_location=bin_location.strip(),
            duration=duration,
            until=until,
            someone_can_help=someone_can_help,
        )
        audit.record(actor=by, action="waste.assisted_applied", target=application, data={"case": case.reference})
        return application


def _locked_application(application: AssistedApplication) -> AssistedApplication:
    return (
        AssistedApplication.objects.select_for_update(of=("self",))
        .select_related("case__service", "case__customer", "property")
        .get(pk=application.pk)
    )


@transaction.atomic
def decide_assisted_application(
    *, application: AssistedApplication, approve: bool, by, reason: str = "", location_note: str = ""
) -> AssistedApplication:
    """An officer approves or refuses an application. Approved, the property has an
    assisted collection from today (until the date asked for, if any), the crews see it
    and the back office is told; either way the resident hears the outcome."""
    application = _locked_application(application)
    if application.decision != Decision.PENDING:
        raise AssistedError(_("This application has been decided already."))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise AssistedError(_("Enter the reason for refusing the application"))
    now = timezone.now()
    application.decision = Decision.APPROVED if approve else Decision.REFUSED
    application.decision_reason = reason
    application.decided_by = by
    application.decided_at = now
    application.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
    if approve:
        collection = _start_collection(application, by=by, location_note=location_note or application.bin_location)
        _close_case(
            application.case,
            by=by,
            reason=reason,
            public_text=_(
                "We have approved your assisted collection. From %(date)s the crew will collect your bins from "
                "where they are kept (%(where)s) and put them back."
            )
            % {"date": date_format(collection.starts, "j F Y"), "where": collection.location_note},
        )
    else:
        _close_case(
            application.case,
            by=by,
            reason=reason,
            public_text=_("We cannot offer you an assisted collection. %(reason)s") % {"reason": reason},
        )
    audit.record(
        actor=by,
        action="waste.assisted_approved" if approve else "waste.assisted_refused",
        target=application,
        data={"case": application.case.reference},
    )
    return application


def _start_collection(application: AssistedApplication, *, by, location_note: str) -> AssistedCollection:
    place = application.property
    collection, _created = AssistedCollection.objects.select_for_update().get_or_create(
        property=place, defaults={"starts": timezone.localdate(), "location_note": location_note[:300]}
    )
    collection.application = application
    collection.customer = application.case.customer
    collection.active = True
    collection.starts = timezone.localdate()
    collection.ends = application.until
    collection.location_note = location_note.strip()[:300]
    collection.approved_by = by
    collection.approved_at = timezone.now()
    collection.ended_reason = ""
    collection.save()
    customer = application.case.customer
    if (
        customer is not None
        and not customer.alerts.filter(kind=AlertKind.ASSISTED_COLLECTION, cleared_at__isnull=True).exists()
    ):
        customer_services.set_alert(
            customer=customer, kind=AlertKind.ASSISTED_COLLECTION, text=collection.location_note, by=by
        )
    send_waste_event(
        WasteTopic.ASSISTED_APPROVED,
        {
            "uprn": place.uprn,
            "address": place.single_line,
            "starts": collection.starts,
            "ends": collection.ends,
            "location_note": collection.location_note,
            "rounds": list(
                PropertyRound.objects.filter(property=place).order_by("stream").values_list("round__code", flat=True)
            ),
        },
        case=application.case,
    )
    return collection


@transaction.atomic
def end_assisted_collection(*, collection: AssistedCollection, reason: str, by) -> AssistedCollection:
    """Stop an assisted collection today (the resident moved, or no longer needs it)."""
    collection = (
        AssistedCollection.objects.select_for_update(of=("self",))
        .select_related("property", "application__case")
        .get(pk=collection.pk)
    )
    reason = (reason or "").strip()
    if not reason:
        raise AssistedError(_("Enter the reason for ending the assisted collection"))
    if not collection.active:
        raise AssistedError(_("This assisted collection has ended already."))
    today = timezone.localdate()
    collection.active = False
    collection.ends = min(collection.ends, today) if collection.ends else today
    collection.ended_reason = reason[:300]
    collection.save(update_fields=["active", "ends", "ended_reason", "updated_at"])
    if collection.application is not None:
        send_waste_event(
            WasteTopic.ASSISTED_ENDED,
            {"uprn": collection.property.uprn, "address": collection.property.single_line, "ends": today},
            case=collection.application.case,
        )
    audit.record(actor=by, action="waste.assisted_ended", target=collection, data={"reason": reason})
    return collection
