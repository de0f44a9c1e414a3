"""Garden waste subscriptions for the demo borough."""

import datetime as dt
import random

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from townhall.accounts.models import Role
from townhall.cases.models import Case
from townhall.catalogue.models import Channel
from townhall.core.references import ALPHABET
from townhall.customers.models import Customer
from townhall.gazetteer.models import Property
from townhall.waste.garden.rules import SUBSCRIBE, current_prices, price, renewal_opens_on, term_end
from townhall.waste.garden.services import _answers, _done_state, get_service
from townhall.waste.garden_models import GardenStatus, GardenSubscription
from townhall.waste.models import PropertyRound, Stream
from townhall.waste.services import bump_schedule_version


def build_demo_garden(*, seed: int = 2026, share: float = 0.3, today: dt.date | None = None) -> dict[str, int]:
    """Give about `share` of the houses on garden rounds a paid subscription (one in ten
    inside the renewal window), each with its case and customer. The demo resident's home,
    if it is such a house, gets one due for renewal. Needs the catalogue's garden waste
    service; safe to run again (houses with a subscription are left alone)."""
    today = today or timezone.localdate()
    rng = random.Random(f"garden-{seed}")  # noqa: S311 - repeatable demo data, not secrets
    service = get_service()
    houses = list(
        PropertyRound.objects.filter(stream=Stream.GARDEN)
        .exclude(Exists(GardenSubscription.objects.filter(property=OuterRef("property"))))
        .order_by("property_id")
        .values_list("property_id", flat=True)
    )
    chosen = sorted(rng.sample(houses, k=int(len(houses) * share)))
    resident = Customer.objects.filter(user__role=Role.RESIDENT, address_id__in=houses).order_by("id").first()
    if resident is not None and resident.address_id not in chosen:
        chosen.append(resident.address_id)
    places = Property.objects.in_bulk(chosen)
    prices = current_prices()
    window = settings.WASTE_GARDEN_RENEWAL_WINDOW_DAYS
    year = (term_end(today) - today).days + 1
    rows = []
    for property_id in chosen:
        place = places[property_id]
        bins = rng.choices([1, 2, 3][: prices.max_bins], weights=[80, 16, 4][: prices.max_bins])[0]
        concession = rng.random() < 0.12
        if resident is not None and property_id == resident.address_id:
            days_ago = year - window // 2
        elif rng.random() < 0.1:
            days_ago = rng.randrange(year - window, year)
        else:
            days_ago = rng.randrange(0, year - window)
        rows.append((place, bins, concession, today - dt.timedelta(days=days_ago)))
    new_customers = Customer.objects.bulk_create(
        Customer(
            name=f"Garden subscriber {n + 1}",
            email=f"garden.{place.uprn}@example.com",
            address=place,
            postcode=place.postcode,
        )
        for n, (place, *_rest) in enumerate(rows)
        if resident is None or place.pk != resident.address_id
    )
    found = iter(new_customers)
    customers = [
        resident if resident is not None and place.pk == resident.address_id else next(found) for place, *_r in rows
    ]
    submitted = [timezone.make_aware(dt.datetime.combine(start, dt.time(9, 30))) for *_rest, start in rows]
    cases = Case.objects.bulk_create(
        Case(
            reference=_demo_reference(rng),
            service=service,
            form=service.current_form,
            answers=_answers(place, SUBSCRIBE, bins, concession),
            customer=customer,
            requester_name=customer.name,
            requester_email=customer.email,
            address=place,
            latitude=place.latitude,
            longitude=place.longitude,
            channel=rng.choice([Channel.WEB] * 8 + [Channel.PHONE] * 2),
            status=_done_state(service),
            is_closed=True,
            team=service.team,
            fee=price(bins=bins, concession=concession, prices=prices).amount,
            submitted_at=when,
            resolved_at=when + dt.timedelta(days=3),
        )
        for (place, bins, concession, _start), customer, when in zip(rows, customers, submitted, strict=True)
    )
    GardenSubscription.objects.bulk_create(
        GardenSubscription(
            property=place,
            customer=customer,
            case=case,
            bins=bins,
            start_date=start,
            end_date=term_end(start),
            status=GardenStatus.ACTIVE,
            first_bin_price=prices.first_bin,
            extra_bin_price=prices.extra_bin,
            concession=concession,
            discount_percent=prices.concession_percent if concession else 0,
            price_paid=case.fee,
            created_at=when,
            activated_at=when,
        )
        for (place, bins, concession, start), customer, case, when in zip(
            rows, customers, cases, submitted, strict=True
        )
    )
    bump_schedule_version()  # thousands of properties' bin days changed at once
    due = sum(1 for *_r, start in rows if renewal_opens_on(term_end(start)) <= today)
    return {"subscriptions": len(rows), "due_for_renewal": due}


def _demo_reference(rng: random.Random) -> str:
    body = "".join(rng.choice(ALPHABET) for _ in range(8))
    return f"{settings.CASE_REFERENCE_PREFIX}-{body[:4]}-{body[4:]}"
