"""The query-string filters of the lists, declared with django-filter (so the schema
documents them) and refused as problem details, naming the parameter, when malformed."""

from django import forms
from django.db.models import QuerySet
from django_filters import rest_framework as filters
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from townhall.api.problems import InvalidQuery
from townhall.cases.models import Case
from townhall.customers.models import Customer
from townhall.customers.selectors import search_customers

MAX_SEARCH_LENGTH = 200


class FilterBackend(filters.DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise InvalidQuery(translate_validation(filterset.errors).detail)
        return filterset.qs


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    field_class = forms.IntegerField


class CaseFilter(filters.FilterSet):
    status = filters.CharFilter(help_text="A state of the service's workflow, by its key, e.g. `in_progress`.")
    service = filters.CharFilter(field_name="service__slug", help_text="The service's slug.")
    team = filters.CharFilter(field_name="team__slug", help_text="The slug of the team the case is routed to.")
    assignee = IdFilter(field_name="assignee_id", help_text="The id of the member of staff assigned.")
    updated_since = filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="Changed at or after this time (ISO 8601)."
    )
    is_closed = filters.BooleanFilter(help_text="`true` for resolved or withdrawn cases, `false` for open ones.")

    class Meta:
        model = Case
        fields = ["status", "service", "team", "assignee", "updated_since", "is_closed"]


class CustomerFilter(filters.FilterSet):
    search = filters.CharFilter(
        method="filter_search",
        help_text="A name, email address, phone number, postcode or the reference of one of their cases.",
    )

    class Meta:
        model = Customer
        fields = ["search"]

    def filter_search(self, queryset: QuerySet[Customer], name: str, value: str) -> QuerySet[Customer]:
        # The console's customer search, over the same current records the list holds,
        # and as there no longer than a search box takes.
        return search_customers(value[:MAX_SEARCH_LENGTH])
