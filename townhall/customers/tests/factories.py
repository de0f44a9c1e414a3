import factory

from townhall.customers.models import Customer


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Faker("name", locale="en_GB")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    # Unique, and clear of the 07700 900xxx numbers tests write out to find someone by.
    phone = factory.Sequence(lambda n: f"07700 9{50000 + n % 50000:05d}")
    phone_normalised = factory.LazyAttribute(lambda o: "".join(ch for ch in o.phone if ch.isdigit()))
    postcode = "WX1 1AA"
