"""The REST API's endpoints: thin, as every view is. Reads go through the apps' selectors
(so a key sees what the person it acts for sees in the console), writes through their
services (one transaction each, with its audit and timeline events and its emails)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, Throttled, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from townhall.api import serializers
from townhall.api.filters import CaseFilter, CustomerFilter
from townhall.api.problems import Conflict
from townhall.api.selectors import visible_services
from townhall.cases import services as case_services
from townhall.cases.models import Case, EventKind
from townhall.cases.selectors import case_list, full_timeline, visible_cases
from townhall.catalogue.models import Channel
from townhall.core import audit
from townhall.customers import selectors as customer_selectors
from townhall.customers import services as customer_services
from townhall.customers.models import Customer
from townhall.integrations.models import Scope


class KeyedViewSet(GenericViewSet):
    """An endpoint used with an API key: reads need `read_scope`, writes `write_scope`."""

    read_scope: str | None = None
    write_scope: str | None = None

    def throttled(self, request, wait):
        raise Throttled(wait, detail=_("This key has made too many requests this minute."))


@extend_schema_view(
    list=extend_schema(summary="List the services this key may see"),
    retrieve=extend_schema(summary="Read a service, with its questions and statuses"),
)
class ServiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, KeyedViewSet):
    """Published services of the catalogue. A restricted service is seen only by its teams."""

    read_scope = Scope.SERVICES_READ
    serializer_class = serializers.ServiceSerializer
    lookup_field = "slug"
    ordering = ["name", "id"]

    def get_queryset(self) -> QuerySet:
        return visible_services(self.request.user)


@extend_schema_view(
    list=extend_schema(summary="List cases"),
    retrieve=extend_schema(summary="Read a case"),
)
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, KeyedViewSet):
    """Cases the person the key acts for may see: every unrestricted service's, and a
    restricted service's only through their teams. Newest first."""

    read_scope = Scope.CASES_READ
    write_scope = Scope.CASES_WRITE
    serializer_class = serializers.CaseSerializer
    filterset_class = CaseFilter
    lookup_field = "reference"
    ordering = ["-submitted_at", "-id"]

    def get_queryset(self) -> QuerySet[Case]:
        return case_list(visible_cases(self.request.user))

    def get_object(self) -> Case:
        case = super().get_object()
        if case.service.restricted:  # every view of a restricted record is audited
            audit.record(actor=self.request.user, action="case.viewed", target=case)
        return case

    @extend_schema(
        summary="Raise a case",
        description="As the service's web form would, with channel API. Sent again with the same "
        "`submission_key`, it answers with the case already raised (200) instead of raising another.",
        request=serializers.NewCaseSerializer,
        responses={201: serializers.CaseSerializer, 200: serializers.CaseSerializer},
    )
    def create(self, request):
        given = serializers.NewCaseSerializer(data=request.data, services=visible_services(request.user))
        given.is_valid(raise_exception=True)
        data = given.validated_data
        key = data.get("submission_key")
        raised_before = key is not None and Case.objects.filter(submission_key=key).exists()
        requester = data.get("requester")
        try:
            case = case_services.submit_case(
                service=data["service"],
                answers=data["answers"],
                channel=Channel.API,
                by=request.user,
                customer=data.get("customer"),
                requester=case_services.Requester(**requester) if requester else None,
                submission_key=key,
            )
        except DjangoValidationError as exc:
            raise ValidationError({"answers": exc.message_dict}) from exc
        case = self.get_queryset().filter(pk=case.pk).first()
        if case is None:  # the key was used for a case this person may not see
            raise Conflict(_("That submission_key was already used for another request."))
        return Response(
            self.get_serializer(case).data, status=status.HTTP_200_OK if raised_before else status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Change a case's status",
        description="Refused with 409 when the case changed since `version` was read: read it again and decide.",
        request=serializers.StatusChangeSerializer,
        responses={200: serializers.CaseSerializer, 409: OpenApiResponse(description="The case changed meanwhile.")},
    )
    @action(detail=True, methods=["post"], url_path="status", filterset_class=None)
    def change_status(self, request, reference: str):
        case = self.get_object()
        change = serializers.StatusChangeSerializer(data=request.data, context={"case": case})
        change.is_valid(raise_exception=True)
        case_services.change_status(
            case=case,
            status=change.validated_data["status"],
            reason=change.validated_data["reason"],
            public_text=change.validated_data["public_text"],
            by=request.user,
            expected_version=change.validated_data["version"],
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=case.pk)).data)

    @extend_schema(
        methods=["get"],
        summary="A case's timeline",
        description="Every event, internal notes included, oldest first.",
        responses=serializers.EventSerializer(many=True),
    )
    @extend_schema(
        methods=["post"],
        summary="Add an internal note or a public update",
        request=serializers.NewEventSerializer,
        responses={201: serializers.EventSerializer},
    )
    @action(detail=True, methods=["get", "post"], ordering=["at", "id"], filterset_class=None)
    def events(self, request, reference: str):
        case = self.get_object()
        if request.method == "POST":
            return self._add_event(case)
        page = self.paginate_queryset(full_timeline(case))
        return self.get_paginated_response(serializers.EventSerializer(page, many=True).data)

    def _add_event(self, case: Case) -> Response:
        given = serializers.NewEventSerializer(data=self.request.data)
        given.is_valid(raise_exception=True)
        add = (
            case_services.add_note
            if given.validated_data["kind"] == EventKind.NOTE
            else case_services.add_public_update
        )
        key = given.validated_data.get("request_key")
        added_before = key is not None and case.events.filter(data__request_key=str(key)).exists()
        event = add(case=case, text=given.validated_data["text"], by=self.request.user, request_key=key)
        event = full_timeline(case).get(pk=event.pk)
        return Response(
            serializers.EventSerializer(event).data,
            status=status.HTTP_200_OK if added_before else status.HTTP_201_CREATED,
        )


@extend_schema_view(
    list=extend_schema(summary="List or search customers"),
    retrieve=extend_schema(summary="Read a customer"),
)
class CustomerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, KeyedViewSet):
    """Customer records, as the console's search and 360 view find them. A record merged
    into another says so in `merged_into`, and takes no changes."""

    read_scope = Scope.CUSTOMERS_READ
    write_scope = Scope.CUSTOMERS_WRITE
    serializer_class = serializers.CustomerSerializer
    filterset_class = CustomerFilter
    ordering = ["name", "id"]

    def get_queryset(self) -> QuerySet[Customer]:
        # A merged record is found by its id (it says where it went), never listed.
        customers = Customer.objects.filter(merged_into__isnull=True) if self.action == "list" else Customer.objects
        return customer_selectors.with_alert_flag(customers.all()).select_related("address")

    def filter_queryset(self, queryset: QuerySet[Customer]) -> QuerySet[Customer]:
        # A search answers with the console's own search in place of `queryset`: each
        # row's address is joined again after it.
        return super().filter_queryset(queryset).select_related("address")

    def _current_customer(self) -> Customer:
        customer = self.get_object()
        if customer.is_merged:
            raise Conflict(
                _("This record was merged into customer %(id)s: use that one.") % {"id": customer.merged_into_id},
                code="merged",
            )
        return customer

    @extend_schema(
        summary="Add a customer",
        request=serializers.CustomerChangeSerializer,
        responses={201: serializers.CustomerSerializer},
    )
    def create(self, request):
        given = serializers.CustomerChangeSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        customer = customer_services.create_customer(by=request.user, **given.validated_data)
        return Response(self._shown(customer), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a customer's details",
        description="Only the details sent change.",
        request=serializers.CustomerChangeSerializer,
        responses={200: serializers.CustomerSerializer},
    )
    def partial_update(self, request, pk: str):
        customer = self._current_customer()
        given = serializers.CustomerChangeSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        customer_services.update_customer(customer=customer, by=request.user, **given.validated_data)
        return Response(self._shown(customer))

    def _shown(self, customer: Customer) -> dict:
        return self.get_serializer(self.get_queryset().get(pk=customer.pk)).data

    @extend_schema(
        methods=["get"],
        summary="A customer's contacts",
        description="Every interaction with them, newest first.",
        responses=serializers.ContactSerializer(many=True),
    )
    @extend_schema(
        methods=["post"],
        summary="Log a contact with a customer",
        request=serializers.NewContactSerializer,
        responses={201: serializers.ContactSerializer},
    )
    @action(detail=True, methods=["get", "post"], ordering=["-started_at", "-id"], filterset_class=None)
    def contacts(self, request, pk: str):
        if request.method == "POST":
            return self._log_contact(self._current_customer())
        page = self.paginate_queryset(customer_selectors.customer_contacts(self.get_object()))
        return self.get_paginated_response(serializers.ContactSerializer(page, many=True).data)

    def _log_contact(self, customer: Customer) -> Response:
        given = serializers.NewContactSerializer(data=self.request.data, cases=visible_cases(self.request.user))
        given.is_valid(raise_exception=True)
        contact = customer_services.log_contact(by=self.request.user, customer=customer, **given.validated_data)
        contact = customer_selectors.customer_contacts(customer).get(pk=contact.pk)
        return Response(serializers.ContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class NotFoundView(APIView):
    """Any other address under /api/: a problem, not the public site's 404 page."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    def initial(self, request, *args, **kwargs):
        raise NotFound()
