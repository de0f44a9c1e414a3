"""Every write of street reporting: a report (from the website, the console or the Open311
server), another resident's support for one already made, staff merging duplicates, a
category's settings, and loading a layer's assets (read from files by `asset_files`).

A report is a case first (`cases.services.submit_case`), with its `StreetReport` made in
the same transaction, so no report exists without its case nor a case without its place.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from townhall.cases import services as case_services
from townhall.cases.models import Case, CaseWatcher, WatchReason
from townhall.cases.services import CaseError, Requester
from townhall.catalogue.models import Service
from townhall.catalogue.questions import parse_questions
from townhall.core import audit
from townhall.customers import services as customer_services
from townhall.gazetteer.selectors import PointLocation, borough_area, locate_point
from townhall.streetcare.models import Asset, AssetLayer, Category, ReportPhoto, StreetReport
from townhall.streetcare.photos import MAX_PHOTOS, PreparedPhoto, prepare_photo
from townhall.streetcare.selectors import describe_point, nearest_street

# A report's own words travel in `answers` beside the category's questions (whose keys
# they never are), so every channel calls `submit_report` the same way.
TITLE, DETAIL = "title", "detail"
TITLE_MAX = StreetReport._meta.get_field("title").max_length
DETAIL_MAX = 2000
SIX_PLACES = Decimal("0.000001")
ASSET_ID_MAX = Asset._meta.get_field("asset_id").max_length
DESCRIPTION_MAX = Asset._meta.get_field("description").max_length


class OutsideBoroughError(CaseError):
    """The point is not the council's to deal with; `location` names whose it is, where known."""

    def __init__(self, location: PointLocation):
        super().__init__(location.refusal)
        self.location = location


def submit_report(
    *,
    service: Service,
    answers: dict,
    latitude: Decimal | float | str,
    longitude: Decimal | float | str,
    channel: str,
    by=None,
    requester: Requester | None = None,
    photos: Sequence[File] = (),
    asset: Asset | None = None,
    submission_key=None,
) -> Case:
    """Report a problem at a point in a street category (`service`), from any channel.

    `answers` holds the category's own answers, and the report's `title` (a short public
    summary; the category's name when not given) and `detail`. The category's location
    questions are answered with the point when left out. Photos (up to `MAX_PHOTOS`) are
    stored resized, without their metadata. The same submission key always gives the same
    case. Raises CaseError (a category that stops reports says why; OutsideBoroughError
    names the neighbour) or ValidationError (per question key, or "photos") when refused.
    """
    if submission_key and (existing := Case.objects.filter(submission_key=submission_key).first()):
        return existing
    category = Category.objects.select_related("asset_layer").filter(service=service).first()
    if category is None:
        raise CaseError(_("%(service)s is not a street problem category.") % {"service": service.name})
    if category.notice_stops_report:
        raise CaseError(category.notice)
    latitude, longitude = _point(latitude, longitude)
    location = locate_point(latitude, longitude)
    if not location.inside:
        raise OutsideBoroughError(location)
    if asset is not None and asset.layer_id != category.asset_layer_id:
        raise CaseError(_("That asset is not one this category's reports can be about."))
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": [_("Add up to %(n)s photos") % {"n": MAX_PHOTOS}]})
    prepared = [prepare_photo(photo) for photo in photos]  # before anything is saved: a bad one refuses all
    detail = str(answers.get(DETAIL) or "").strip()[:DETAIL_MAX]
    title = str(answers.get(TITLE) or "").strip()[:TITLE_MAX] or service.name
    saved: list[str] = []
    try:
        with transaction.atomic():
            case = case_services.submit_case(
                service=service,
                answers=_with_point(service, answers, latitude, longitude),
                channel=channel,
                by=by,
                requester=requester,
                latitude=latitude,
                longitude=longitude,
                submission_key=submission_key,
            )
            report, created = StreetReport.objects.get_or_create(
                case=case,
                defaults={
                    "latitude": latitude,
                    "longitude": longitude,
                    "ward": location.ward,
                    # Found once, here, so that lists name it without a search per row.
                    "street": nearest_street(latitude, longitude),
                    "asset": asset,
                    "title": title,
                    "detail": detail,
                    "public": not category.private,
                },
            )
            if not created:  # a concurrent submission with the same key made it first
                return case
            for photo in prepared:
                saved.append(_save_photo(report, photo))
            audit.record(
                actor=by,
                action="streetcare.report_submitted",
                target=case,
                data={"asset": asset.asset_id if asset else None, "photos": len(saved)},
            )
    except Exception:  # the database rolled back; the photo files must go too
        for path in saved:
            default_storage.delete(path)
        raise
    return case


def _point(latitude, longitude) -> tuple[Decimal, Decimal]:
    """The point as the columns keep it, or ValidationError when it is not one."""
    try:
        point = Decimal(str(latitude)).quantize(SIX_PLACES), Decimal(str(longitude)).quantize(SIX_PLACES)
        on_earth = abs(point[0]) <= 90 and abs(point[1]) <= 180
    except ArithmeticError:  # not a number (NaN and infinity included)
        on_earth = False
    if not on_earth:
        raise ValidationError({"location": [_("Give the location as a latitude and a longitude")]})
    return point


def _with_point(service: Service, answers: dict, latitude: Decimal, longitude: Decimal) -> dict:
    """The answers, with the category's unanswered location questions answered by the point."""
    questions = [q for q in parse_questions(service.current_form.questions) if q.type == "location"]
    missing = [q for q in questions if q.key not in answers]
    if not missing:
        return answers
    point = {"latitude": str(latitude), "longitude": str(longitude), "text": describe_point(latitude, longitude)}
    return {**answers, **{q.key: point for q in missing}}


def _save_photo(report: StreetReport, photo: PreparedPhoto) -> str:
    stored, content = ReportPhoto(report=report, width=photo.width, height=photo.height), photo.as_file()
    stored.image.save(content.name, content, save=False)
    stored.save()
    return stored.image.name


@transaction.atomic
def support_report(*, case: Case, requester: Requester, text: str = "", by=None) -> CaseWatcher | None:
    """Someone else has the same problem: rather than a second report, they follow this one
    (its updates and closing reach them too) and what they add is posted on it, which its
    reporter hears of. Returns their place among its followers (None for its own reporter)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.is_closed:
        raise CaseError(_("That report is closed. Make a new report instead."))
    resident = by is not None and by.is_authenticated and not by.is_council_staff
    customer = customer_services.link_account(user=by) if resident else None
    watcher = None
    if customer is not None or requester.email:
        watcher = case_services.add_watcher(
            case=case, customer=customer, email=requester.email, reason=WatchReason.SUPPORTER, by=by
        )
    said = text.strip()[:DETAIL_MAX]
    update = _("Someone else has reported this problem too.")
    case_services.add_public_update(case=case, text=f"{update}\n\n{said}" if said else update, by=by)
    audit.record(
        actor=by, action="streetcare.report_supported", target=case, data={"watcher": getattr(watcher, "pk", None)}
    )
    return watcher


@transaction.atomic
def merge_duplicate(*, duplicate: Case, into: Case, by) -> Case:
    """Close `duplicate` as a duplicate of `into`: its reporter and followers follow `into`
    from now on, and are told so. Both must be open reports of the same category."""
    if duplicate.pk == into.pk:
        raise CaseError(_("A report cannot be merged into itself."))
    # Both rows locked, in one order, so two officers merging the pair either way cannot deadlock.
    locked = {
        case.pk: case for case in Case.objects.select_for_update().filter(pk__in=[duplicate.pk, into.pk]).order_by("pk")
    }
    duplicate, into = locked[duplicate.pk], locked[into.pk]
    reports = {report.case_id: report for report in StreetReport.objects.filter(case__in=[duplicate, into])}
    if len(reports) != 2:
        raise CaseError(_("Only street reports can be merged."))
    if duplicate.service_id != into.service_id:
        raise CaseError(_("Only reports in the same category can be merged."))
    if duplicate.is_closed or into.is_closed:
        raise CaseError(_("Only open reports can be merged."))
    followers = [(duplicate.customer, duplicate.requester_email)]
    followers += [(watcher.customer, watcher.email) for watcher in duplicate.watchers.select_related("customer")]
    for customer, email in followers:
        if customer is not None or email:
            case_services.add_watcher(
                case=into, customer=customer, email=email, reason=WatchReason.DUPLICATE_REPORT, by=by
            )
    reports[duplicate.pk].duplicate_of = reports[into.pk]
    reports[duplicate.pk].save(update_fields=["duplicate_of"])
    case_services.change_status(
        case=duplicate,
        status=_duplicate_state(duplicate.service),
        by=by,
        reason=_("Duplicate of %(reference)s") % {"reference": into.reference},
        public_text=_(
            "This problem was reported already, as %(reference)s. We have closed this report and will "
            "send you the updates on %(reference)s instead."
        )
        % {"reference": into.reference},
    )
    case_services.add_note(
        case=into, text=_("%(reference)s was merged into this report.") % {"reference": duplicate.reference}, by=by
    )
    audit.record(actor=by, action="streetcare.reports_merged", target=into, data={"duplicate": duplicate.reference})
    return into


def _duplicate_state(service: Service) -> str:
    """Where a duplicate goes: the workflow's "duplicate" state if it has one, else where
    requests that will not be dealt with go (never the first closed state, which means fixed)."""
    return "duplicate" if service.is_closed_state("duplicate") else service.withdrawn_state


@transaction.atomic
def save_category(
    *,
    service: Service,
    notice: str,
    notice_stops_report: bool,
    private: bool,
    asset_layer: AssetLayer | None,
    by,
) -> Category:
    """Make `service` a street category, or change its settings."""
    notice = notice.strip()
    if notice_stops_report and not notice:
        raise ValidationError({"notice": [_("Enter the notice that tells people what to do instead")]})
    category = Category.objects.select_for_update().filter(service=service).first() or Category(service=service)
    created = category.pk is None
    category.notice, category.notice_stops_report = notice, notice_stops_report
    category.private, category.asset_layer = private, asset_layer
    category.save()
    audit.record(
        actor=by,
        action="streetcare.category_created" if created else "streetcare.category_changed",
        target=service,
        data={
            "notice_stops_report": notice_stops_report,
            "private": private,
            "asset_layer": asset_layer.slug if asset_layer else None,
        },
    )
    return category


@dataclass(frozen=True)
class AssetRow:
    """One asset as a file gives it, before checking; `where` says where in the file."""

    where: str
    asset_id: str
    latitude: object
    longitude: object
    description: str = ""
    attributes: dict = field(default_factory=dict)
    problem: str = ""  # what the file reader already found wrong


@dataclass
class AssetImport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[str] = field(default_factory=list)


@transaction.atomic
def import_assets(*, layer: AssetLayer, rows: Iterable[AssetRow], by=None) -> AssetImport:
    """Load a layer's assets, creating new ones and updating known ones (by asset id) in
    place, so loading the same file again changes nothing. A bad row is rejected, saying
    where and why; the rest still load. Assets the file leaves out stay as they are."""
    result = AssetImport()
    borough = borough_area()
    known = {asset.asset_id: asset for asset in layer.assets.all()}
    first_seen: dict[str, str] = {}
    new, changed = [], []
    for row in rows:
        problems = _asset_problems(row, borough, first_seen)
        if problems:
            result.rejections.append(f"{row.where}: {'; '.join(problems)}")
            continue
        first_seen[row.asset_id] = row.where
        latitude, longitude = _point(row.latitude, row.longitude)
        values = {
            "latitude": latitude,
            "longitude": longitude,
            "description": row.description,
            "attributes": row.attributes,
        }
        asset = known.get(row.asset_id)
        if asset is None:
            new.append(Asset(layer=layer, asset_id=row.asset_id, **values))
        elif any(getattr(asset, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(asset, name, value)
            changed.append(asset)
        else:
            result.unchanged += 1
    Asset.objects.bulk_create(new, batch_size=1000)
    Asset.objects.bulk_update(changed, ["latitude", "longitude", "description", "attributes"], batch_size=1000)
    result.created, result.updated = len(new), len(changed)
    audit.record(
        actor=by,
        action="streetcare.assets_imported",
        target=layer,
        data={"created": result.created, "updated": result.updated, "rejected": len(result.rejections)},
    )
    return result


def _asset_problems(row: AssetRow, borough, first_seen: dict[str, str]) -> list[str]:
    if row.problem:
        return [row.problem]
    problems = []
    if not row.asset_id:
        problems.append(_("the asset id is missing"))
    elif len(row.asset_id) > ASSET_ID_MAX:
        problems.append(_("the asset id is longer than %(n)s characters") % {"n": ASSET_ID_MAX})
    elif row.asset_id in first_seen:
        problems.append(
            _("asset id %(id)s is already at %(where)s") % {"id": row.asset_id, "where": first_seen[row.asset_id]}
        )
    if len(row.description) > DESCRIPTION_MAX:
        problems.append(_("the description is longer than %(n)s characters") % {"n": DESCRIPTION_MAX})
    try:
        latitude, longitude = _point(row.latitude, row.longitude)
    except ValidationError:
        problems.append(_("the latitude and longitude must be numbers, like 51.420315 and -0.190012"))
    else:
        if borough is not None and not borough.contains(float(latitude), float(longitude)):
            problems.append(_("the position is outside the borough"))
    return problems
