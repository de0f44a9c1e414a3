import factory

from townhall.customers.models import Customer


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Faker("name", locale="en_GB")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    phone = factory.Sequence(lambda n: f"07700 900{n % 1000:03d}")
    phone_normalised = factory.LazyAttribute(lambda o: "".join(ch for ch in o.phone if ch.isdigit()))
    postcode = "WX1 1AA"
