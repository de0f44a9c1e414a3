import factory
from django.utils import timezone

from townhall.accounts.tests.factories import TeamFactory
from townhall.catalogue.models import Department, FormDefinition, KnowledgeArticle, Service, ServiceStatus

SIMPLE_QUESTIONS = [
    {"key": "details", "type": "long_text", "label": "What is the problem?", "required": True},
    {
        "key": "urgent",
        "type": "yes_no",
        "label": "Is anyone in danger?",
        "required": True,
    },
    {
        "key": "danger_details",
        "type": "text",
        "label": "Tell us about the danger",
        "required": True,
        "show_if": {"question": "urgent", "equals": "yes"},
    },
]


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Department {n}")
    slug = factory.Sequence(lambda n: f"department-{n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    """A published service with a small form; pass questions=[...] for another form."""

    class Meta:
        model = Service
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"service-{n}")
    name = factory.Sequence(lambda n: f"Report problem {n}")
    department = factory.SubFactory(DepartmentFactory)
    summary = "Tell us about a problem."
    team = factory.SubFactory(TeamFactory)
    status = ServiceStatus.PUBLISHED
    deadline_working_days = 10

    @factory.post_generation
    def questions(obj, create, extracted, **kwargs):
        if not create:
            return
        form = FormDefinition.objects.create(
            service=obj,
            version=1,
            questions=extracted if extracted is not None else SIMPLE_QUESTIONS,
            published_at=timezone.now(),
        )
        obj.current_form = form
        obj.save(update_fields=["current_form"])


class KnowledgeArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnowledgeArticle

    title = factory.Sequence(lambda n: f"How do I do thing {n}?")
    slug = factory.Sequence(lambda n: f"article-{n}")
    summary = "What to do."
    body = "Do this.\n\nThen that."
