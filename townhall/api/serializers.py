"""What the API shows of each record, and what it accepts. Serializers only check and
shape: every change is made by the apps' services (see views)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from townhall.api.answers import stored_answers
from townhall.cases.models import Case, CaseEvent, EventKind
from townhall.catalogue.answering import phone_validator
from townhall.catalogue.journeys import own_journey_url
from townhall.catalogue.models import Channel, Service
from townhall.catalogue.questions import QUESTION_TYPES, parse_questions
from townhall.customers.models import Contact, Customer, CustomerKind, Direction, Outcome
from townhall.gazetteer.models import normalise_postcode
from townhall.gazetteer.selectors import property_by_uprn

# REST framework's messages in plain words, as the site's forms have them ("Must be 200
# characters or fewer", not "Ensure this field has no more than 200 characters"). Where
# a message applies is the error's pointer, so it need not name the field.
PLAIN_MESSAGES = {
    "required": _lazy("This is required."),
    "blank": _lazy("This cannot be blank."),
    "null": _lazy("This cannot be empty (null)."),
    "invalid_choice": _lazy("“{input}” is not one of the choices."),
    "does_not_exist": _lazy("There is none with that, or none this key may see."),
    "incorrect_type": _lazy("This is the wrong type of value."),
}
FORMAT_MESSAGES = {
    serializers.DateTimeField: _lazy("Give a date and time as {format}."),
    serializers.DateField: _lazy("Give a date as {format}."),
}
# Limits are checked by validators that fields make with their message already worded.
LIMIT_MESSAGES = {
    "max_length": _lazy("Must be {limit} characters or fewer."),
    "min_value": _lazy("Must be {limit} or more."),
    "max_value": _lazy("Must be {limit} or less."),
}


class PlainSerializer(serializers.Serializer):
    """What the API accepts, with its error messages in plain words."""

    def get_fields(self) -> dict:
        fields = super().get_fields()
        for field in fields.values():
            messages = field.error_messages
            messages.update({code: PLAIN_MESSAGES[code] for code in messages.keys() & PLAIN_MESSAGES.keys()})
            for field_class, message in FORMAT_MESSAGES.items():
                if isinstance(field, field_class):
                    messages["invalid"] = message
            for validator in field.validators:
                if getattr(validator, "code", None) in LIMIT_MESSAGES:
                    validator.message = LIMIT_MESSAGES[validator.code].format(limit=validator.limit_value)
        return fields


# --- small records that others refer to ---


class TeamRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class ServiceRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class StaffRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")
    email = serializers.EmailField()


class AddressSerializer(serializers.Serializer):
    uprn = serializers.IntegerField()
    text = serializers.CharField(source="single_line")


# --- services ---


class OptionSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class ConditionSerializer(serializers.Serializer):
    question = serializers.CharField(help_text="The key of the question this one depends on.")
    equals = serializers.CharField(help_text="The answer to it that shows this question.")


class QuestionSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The key to give its answer under, in a new case's `answers`.")
    type = serializers.ChoiceField(choices=list(QUESTION_TYPES))
    label = serializers.CharField()
    hint = serializers.CharField()
    required = serializers.BooleanField()
    options = OptionSerializer(many=True)
    min = serializers.IntegerField(allow_null=True)
    max = serializers.IntegerField(allow_null=True)
    max_length = serializers.IntegerField(allow_null=True)
    show_if = ConditionSerializer(allow_null=True, help_text="Asked only when an earlier answer is this.")


class StateSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField(help_text="The state's name for staff.")
    closed = serializers.BooleanField()


class ServiceSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name")
    team = TeamRefSerializer(help_text="The team new requests are routed to.")
    channels = serializers.ListField(child=serializers.ChoiceField(choices=Channel.choices))
    questions = serializers.SerializerMethodField(help_text="The questions of the form a new case answers.")
    statuses = serializers.SerializerMethodField(help_text="The states of its workflow, in order.")

    class Meta:
        model = Service
        fields = [
            "slug",
            "name",
            "summary",
            "department",
            "team",
            "restricted",
            "channels",
            "deadline_working_days",
            "questions",
            "statuses",
        ]

    @extend_schema_field(QuestionSerializer(many=True))
    def get_questions(self, service: Service) -> list:
        return QuestionSerializer(parse_questions(service.current_form.questions), many=True).data

    @extend_schema_field(StateSerializer(many=True))
    def get_statuses(self, service: Service) -> list:
        states = [{**s, "label": service.staff_state_label(s["key"])} for s in service.workflow]
        return StateSerializer(states, many=True).data


# --- cases ---


class CaseSerializer(serializers.ModelSerializer):
    service = ServiceRefSerializer()
    status_label = serializers.CharField(source="staff_status_label")
    team = TeamRefSerializer()
    assignee = StaffRefSerializer(allow_null=True)
    customer = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The customer's id, if linked to one."
    )
    address = AddressSerializer(allow_null=True)
    answers = serializers.DictField(help_text="Answers by question key, as the service's form keeps them.")
    fee = serializers.IntegerField(help_text="What the request costs, in pence.")

    class Meta:
        model = Case
        fields = [
            "reference",
            "service",
            "status",
            "status_label",
            "is_closed",
            "priority",
            "channel",
            "team",
            "assignee",
            "customer",
            "requester_name",
            "requester_email",
            "requester_phone",
            "address",
            "latitude",
            "longitude",
            "answers",
            "fee",
            "due_date",
            "submitted_at",
            "resolved_at",
            "updated_at",
            "version",
        ]


class RequesterSerializer(PlainSerializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(
        max_length=30, required=False, allow_blank=True, default="", validators=[phone_validator]
    )


class NewCaseSerializer(PlainSerializer):
    service = serializers.SlugRelatedField(
        slug_field="slug", queryset=Service.objects.none(), help_text="The slug of a service this key may see."
    )
    answers = serializers.DictField(
        help_text='By question key. An address as {"uprn": 100012345678}; a point as '
        '{"latitude": 51.42, "longitude": -0.19}; files cannot be sent.'
    )
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.filter(merged_into__isnull=True),
        required=False,
        allow_null=True,
        help_text="The id of the customer the request is for, if known.",
    )
    requester = RequesterSerializer(required=False, help_text="Who asked, when there is no customer record.")
    submission_key = serializers.UUIDField(
        required=False, help_text="Any UUID, the same when a request is sent again: it is then raised only once."
    )

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        if services is not None:
            self.fields["service"].queryset = services

    def validate_service(self, service: Service) -> Service:
        if not service.offers(Channel.API):
            raise serializers.ValidationError(_("This service does not take requests through the API."))
        if own_journey_url(service):
            raise serializers.ValidationError(
                _(
                    "Requests to this service are made on its own pages, which apply its rules (street "
                    "reports also through Open311)."
                )
            )
        if service.charges:
            raise serializers.ValidationError(
                _("This service charges a fee, which the API cannot take: raise it in the staff console.")
            )
        return service

    def validate(self, attrs: dict) -> dict:
        questions = parse_questions(attrs["service"].current_form.questions)
        try:
            attrs["answers"] = stored_answers(questions, attrs["answers"])
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"answers": exc.message_dict}) from exc
        return attrs


class StatusChangeSerializer(PlainSerializer):
    status = serializers.CharField(max_length=40, help_text="The key of a state of the service's workflow.")
    version = serializers.IntegerField(
        min_value=1, help_text="The case's `version` as you last read it: refused (409) if it has changed since."
    )
    reason = serializers.CharField(max_length=2000, help_text="Why, for staff: the resident never sees it.")
    public_text = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        default="",
        help_text="A message shown to the resident and emailed to them.",
    )

    def validate_status(self, status: str) -> str:
        workflow = [state["key"] for state in self.context["case"].service.workflow]
        if status not in workflow:
            raise serializers.ValidationError(
                _("Choose one of this service's statuses: %(keys)s.") % {"keys": ", ".join(workflow)}
            )
        return status


class AttachmentSerializer(serializers.Serializer):
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    public = serializers.BooleanField()


class EventSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    actor = serializers.CharField(source="actor_label", help_text="Who did it; blank for the system.")
    reason = serializers.SerializerMethodField(help_text="For a status change: the officer's reason, for staff only.")
    attachments = AttachmentSerializer(many=True)

    class Meta:
        model = CaseEvent
        fields = [
            "id",
            "kind",
            "kind_label",
            "at",
            "actor",
            "public",
            "text",
            "from_status",
            "to_status",
            "reason",
            "attachments",
        ]

    def get_reason(self, event: CaseEvent) -> str:
        return event.data.get("reason", "")


class NewEventSerializer(PlainSerializer):
    kind = serializers.ChoiceField(
        choices=[(EventKind.NOTE, EventKind.NOTE.label), (EventKind.PUBLIC_UPDATE, EventKind.PUBLIC_UPDATE.label)],
        help_text="`note`: for staff only. `public_update`: shown to the resident and emailed to them.",
    )
    text = serializers.CharField(max_length=5000)
    request_key = serializers.UUIDField(
        required=False,
        help_text="A UUID of your choosing: sending the same one again (a retry) adds nothing more "
        "and answers with the event the first try added.",
    )


# --- customers and contacts ---


class CustomerSerializer(serializers.ModelSerializer):
    address = AddressSerializer(allow_null=True, help_text="Their address in the borough's gazetteer, if it is one.")
    has_alert = serializers.BooleanField(help_text="Read their alerts in the staff console before acting.")
    merged_into = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The record this one was merged into: use that one."
    )

    class Meta:
        model = Customer
        fields = [
            "id",
            "kind",
            "name",
            "email",
            "phone",
            "date_of_birth",
            "address",
            "address_text",
            "postcode",
            "has_alert",
            "merged_into",
            "created_at",
            "updated_at",
        ]


class CustomerChangeSerializer(PlainSerializer):
    """A new customer's details, or (PATCH) only the details that change."""

    kind = serializers.ChoiceField(choices=CustomerKind.choices, default=CustomerKind.PERSON)
    name = serializers.CharField(max_length=200, help_text="Full name, or the organisation's name.")
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, validators=[phone_validator])
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    address_uprn = serializers.IntegerField(
        required=False, allow_null=True, help_text="Their address in the borough, by UPRN; it sets the postcode."
    )
    address_text = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text="An address outside the borough."
    )
    postcode = serializers.CharField(max_length=8, required=False, allow_blank=True)

    def validate_postcode(self, postcode: str) -> str:
        return normalise_postcode(postcode) if postcode else ""

    def validate(self, attrs: dict) -> dict:
        if "address_uprn" in attrs:
            uprn = attrs.pop("address_uprn")
            attrs["address"] = property_by_uprn(uprn) if uprn is not None else None
            if uprn is not None and attrs["address"] is None:
                raise serializers.ValidationError({"address_uprn": _("No address in the borough has that UPRN.")})
            if attrs["address"] is not None:
                attrs["address_text"] = ""
                attrs["postcode"] = attrs["address"].postcode
        return attrs


class ContactSerializer(serializers.ModelSerializer):
    service = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    case = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    agent = StaffRefSerializer(allow_null=True, help_text="The member of staff who logged it.")

    class Meta:
        model = Contact
        fields = [
            "id",
            "channel",
            "direction",
            "reason",
            "outcome",
            "service",
            "case",
            "resolved_first_contact",
            "avoidable",
            "caller_verified",
            "duration_seconds",
            "phone_number",
            "notes",
            "agent",
            "started_at",
        ]


class NewContactSerializer(PlainSerializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    direction = serializers.ChoiceField(choices=Direction.choices, default=Direction.INBOUND)
    reason = serializers.CharField(max_length=200)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    resolved_first_contact = serializers.BooleanField(help_text="The customer needs nothing more from this contact.")
    avoidable = serializers.BooleanField(help_text="For example chasing progress, or something not done right first.")
    service = serializers.SlugRelatedField(
        slug_field="slug", queryset=Service.objects.all(), required=False, allow_null=True
    )
    case = serializers.SlugRelatedField(
        slug_field="reference",
        queryset=Case.objects.none(),
        required=False,
        allow_null=True,
        help_text="The reference of a case it was about.",
    )
    duration_seconds = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    phone_number = serializers.CharField(max_length=30, required=False, allow_blank=True, validators=[phone_validator])
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    started_at = serializers.DateTimeField(required=False, help_text="When it began; now if not given.")

    def __init__(self, *args, cases=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cases is not None:
            self.fields["case"].queryset = cases
