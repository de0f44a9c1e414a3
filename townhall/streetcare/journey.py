"""A street report in progress: where, what, which asset, the category's questions, the
reporter's words and photos, who they are, then a look at reports nearby before sending.

The report lives in the browser's session (`ReportInProgress`); the category's own answers
live in a `cases.Draft`, asked by the same question steps as every other form, and photos
wait in `photos.PENDING`. Each page goes on to the first step still to do, so changing an
earlier answer from the check page asks only what that change newly needs, then returns.
"""

import uuid
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import cached_property

from django.http import HttpRequest
from django.urls import reverse

from townhall.accounts.permissions import can_work_cases, is_staff_user
from townhall.cases import drafting
from townhall.cases.models import Draft
from townhall.cases.services import Requester
from townhall.catalogue.models import Channel, Service
from townhall.catalogue.questions import Question, visible_questions
from townhall.streetcare import selectors
from townhall.streetcare.models import Asset, Category

SESSION_KEY = "streetcare:report"
SESSION_DONE = "streetcare:done"  # what this browser reported or supported, for its confirmation pages
REMEMBERED = 10
# The steps in order; each is a page named "street_report:<step>".
STEPS = ("where", "category", "asset", "question", "describe", "photos", "details", "nearby", "check")


@dataclass
class ReportInProgress:
    key: str = field(default_factory=lambda: str(uuid.uuid4()))  # the submission key, and the photos' folder
    latitude: str = ""
    longitude: str = ""
    place: str = ""  # where, in words: the street chosen, or the point
    category: str = ""  # the category's service slug
    draft: str = ""  # the token of the draft holding the category's answers
    asset: int | None = None
    asset_chosen: bool = False  # the asset question was answered ("not in the list" included)
    title: str = ""
    detail: str = ""
    photos: list[dict] = field(default_factory=list)  # path, width, height, latitude, longitude
    photos_done: bool = False
    requester: dict | None = None
    channel: str = ""
    nearby_seen: bool = False

    @property
    def has_point(self) -> bool:
        return bool(self.latitude and self.longitude)

    @property
    def point(self) -> tuple[Decimal, Decimal]:
        return Decimal(self.latitude), Decimal(self.longitude)

    def move_to(self, *, latitude, longitude, place: str) -> None:
        """A new point: the asset and the reports nearby are those of the old one no more."""
        self.latitude, self.longitude, self.place = f"{Decimal(latitude):f}", f"{Decimal(longitude):f}", place
        self.asset, self.asset_chosen, self.nearby_seen = None, False, False

    def choose_category(self, service: Service, draft: Draft) -> None:
        self.category, self.draft = service.slug, str(draft.token)
        self.asset, self.asset_chosen, self.nearby_seen = None, False, False


def for_caller(request: HttpRequest) -> bool:
    """Staff reporting for someone on the phone or at the counter."""
    return is_staff_user(request.user)


def may_report(request: HttpRequest) -> bool:
    """Residents and staff who raise cases; auditors only look."""
    return not for_caller(request) or can_work_cases(request.user)


def load(request: HttpRequest) -> ReportInProgress | None:
    stored = request.session.get(SESSION_KEY)
    return ReportInProgress(**stored) if stored else None


def save(request: HttpRequest, report: ReportInProgress) -> None:
    request.session[SESSION_KEY] = asdict(report)


def forget(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def remember_done(request: HttpRequest, *, reference: str, key: str, supported: bool) -> None:
    done = [item for item in request.session.get(SESSION_DONE, []) if item["reference"] != reference]
    done.append({"reference": reference, "key": key, "supported": supported})
    request.session[SESSION_DONE] = done[-REMEMBERED:]


def done_with(request: HttpRequest, *, reference: str = "", key: str = "") -> dict | None:
    """What this browser did, found by the case's reference or the report's key."""
    return next(
        (
            item
            for item in request.session.get(SESSION_DONE, [])
            if item["reference"] == reference or item["key"] == key
        ),
        None,
    )


def account_requester(request: HttpRequest) -> Requester | None:
    """A signed-in resident's own details, to fill in theirs."""
    if not request.user.is_authenticated or for_caller(request):
        return None
    customer = getattr(request.user, "customer", None)
    if customer is not None and customer.email:
        return Requester(name=customer.name, email=customer.email, phone=customer.phone)
    return Requester(name=request.user.full_name, email=request.user.email)


@dataclass
class Progress:
    """What a report in progress has, as objects, and the step it is on."""

    report: ReportInProgress
    staff: bool
    viewer: object = None  # staff see every open report nearby; the public, what is public
    service: Service | None = None
    draft: Draft | None = None

    @property
    def category(self) -> Category | None:
        return self.service.street_category if self.service else None

    @property
    def asset(self) -> Asset | None:
        if self.report.asset is None or self.category is None or self.category.asset_layer_id is None:
            return None
        return self.category.asset_layer.assets.filter(pk=self.report.asset).first()

    def questions(self) -> list[Question]:
        """The category's questions this journey asks: the point answers its location
        questions, and the photos step its optional file questions."""
        if self.draft is None:
            return []
        shown = visible_questions(drafting.draft_questions(self.draft), self.draft.answers)
        return [q for q in shown if q.type != "location" and (q.type != "file" or q.required)]

    def answers(self) -> dict:
        """The category's answers to send, without any to questions the point answers."""
        if self.draft is None:
            return {}
        locations = {q.key for q in drafting.draft_questions(self.draft) if q.type == "location"}
        return {key: value for key, value in self.draft.answers.items() if key not in locations}

    def next_question(self) -> Question | None:
        return next((q for q in self.questions() if q.key not in self.draft.answers), None)

    @cached_property
    def nearby(self) -> list[selectors.NearbyReport]:
        """Open reports of the category close to the point, which this one may repeat."""
        latitude, longitude = self.report.point
        return selectors.nearby_open_reports(
            service=self.service, latitude=latitude, longitude=longitude, viewer=self.viewer if self.staff else None
        )

    def step(self) -> tuple[str, str]:
        """(step, its address): the first thing still to do."""
        report = self.report
        if not report.has_point:
            return "where", reverse("street_report:where")
        if self.service is None or self.draft is None:
            return "category", reverse("street_report:category")
        if self.category.notice_stops_report:
            return "category", reverse("street_report:stopped")
        if self.category.asset_layer_id and not report.asset_chosen:
            return "asset", reverse("street_report:asset")
        if question := self.next_question():
            return "question", reverse("street_report:question", args=[question.key])
        if not report.title:
            return "describe", reverse("street_report:describe")
        if not report.photos_done:
            return "photos", reverse("street_report:photos")
        if not report.requester:
            return "details", reverse("street_report:details")
        if not report.nearby_seen and self.nearby:
            return "nearby", reverse("street_report:nearby")
        return "check", reverse("street_report:check")


def progress(request: HttpRequest, report: ReportInProgress) -> Progress:
    staff = for_caller(request)
    service = selectors.category_service(report.category, staff=staff) if report.category else None
    draft = None
    if service is not None and report.draft:
        draft = Draft.objects.select_related("form").filter(token=report.draft, service=service).first()
    return Progress(report=report, staff=staff, viewer=request.user, service=service, draft=draft)


def start_draft(request: HttpRequest, service: Service) -> Draft:
    if not request.session.session_key:
        request.session.save()
    return drafting.start_draft(
        service=service,
        channel=Channel.PHONE if for_caller(request) else Channel.WEB,
        user=request.user,
        session_key=request.session.session_key,
    )
