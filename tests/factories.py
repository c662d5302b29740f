"""factory_boy factories for the domain models."""

import factory
from django.utils import timezone

from articles.models import Article, Person, Quote, Source


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Outlet {n}")
    slug = factory.Sequence(lambda n: f"outlet-{n}")
    kind = Source.Kind.PUBLISHER


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person Number{n}")
    slug = factory.Sequence(lambda n: f"person-{n}")
    role = "spokesman"


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    source = factory.SubFactory(SourceFactory)
    headline = factory.Sequence(lambda n: f"Headline number {n}")
    slug = factory.Sequence(lambda n: f"headline-{n}")
    body = "First paragraph.\n\nSecond paragraph."
    url = factory.Sequence(lambda n: f"https://news.example.org/2024/01/02/story-{n}")
    content_hash = factory.Sequence(lambda n: f"{n:064x}")
    status = Article.Status.DRAFT

    class Params:
        published = factory.Trait(
            status=Article.Status.PUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(hours=1)),
        )


class QuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quote

    article = factory.SubFactory(ArticleFactory)
    speaker = factory.SubFactory(PersonFactory)
    text = factory.Sequence(lambda n: f"Words number {n}")
    paragraph = 0
    start = factory.Sequence(lambda n: n)
    end = factory.LazyAttribute(lambda q: q.start + len(q.text))
