"""Factories for street reports: a category (a catalogue service with its street settings),
and reports made the way residents make them, as cases first."""

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from townhall.cases.services import Requester, submit_case
from townhall.catalogue.models import Channel
from townhall.catalogue.tests.factories import ServiceFactory
from townhall.streetcare.models import Category, ReportPhoto, StreetReport
from townhall.streetcare.selectors import nearest_street

ANSWERS = {"details": "A deep pothole", "urgent": "no"}


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["service"]

    service = factory.SubFactory(ServiceFactory, name=factory.Sequence(lambda n: f"Street problem {n}"))


class StreetReportFactory(DjangoModelFactory):
    """A report submitted online by a named reporter; `reported_at` backdates it."""

    class Meta:
        model = StreetReport
        skip_postgeneration_save = True

    class Params:
        category = factory.SubFactory(CategoryFactory)
        reporter_name = "Ada Reporter"
        reporter_email = "ada.reporter@example.com"
        reporter_phone = "07700 900123"

    case = factory.LazyAttribute(
        lambda o: submit_case(
            service=o.category.service,
            answers=ANSWERS,
            channel=Channel.WEB,
            requester=Requester(name=o.reporter_name, email=o.reporter_email, phone=o.reporter_phone),
            latitude=o.latitude,
            longitude=o.longitude,
        )
    )
    latitude = Decimal("51.420000")
    longitude = Decimal("-0.190000")
    street = factory.LazyAttribute(lambda o: nearest_street(o.latitude, o.longitude))
    title = factory.Sequence(lambda n: f"Pothole number {n}")
    detail = "Deep enough to damage a wheel."

    @factory.post_generation
    def reported_at(obj, create, extracted: dt.datetime | None, **kwargs):
        # created_at is set on insert whatever it is given: backdate afterwards.
        if create and extracted is not None:
            StreetReport.objects.filter(pk=obj.pk).update(created_at=extracted)
            obj.created_at = extracted


class ReportPhotoFactory(DjangoModelFactory):
    class Meta:
        model = ReportPhoto

    report = factory.SubFactory(StreetReportFactory)
    image = factory.django.ImageField(width=40, height=30, format="JPEG", filename="photo.jpg")
    width = 40
    height = 30
