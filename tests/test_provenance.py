"""Provenance and confidence: stored on import, shown in the admin, and the public floor."""

import pytest
from rest_framework.test import APIClient

from articles.models import Mention, Quote
from articles.publishing import refresh_public_state
from tests.factories import ArticleFactory, PersonFactory, QuoteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def test_import_stores_each_quotes_rule_cue_and_confidence(run_import, seeds_dir):
    _, _, error = run_import(seeds_dir)
    assert error is None
    quotes = Quote.objects.exclude(speaker=None)
    assert quotes.exists()
    for quote in quotes:
        assert quote.rule.startswith(("speaker.", "speaker_before.", "speaker_context."))
        assert 0 < quote.confidence <= 1
    assert Quote.objects.exclude(cue="").exists()
    mention = Mention.objects.exclude(rule="").select_related("person").first()
    assert mention.rule.startswith("people.")
    assert mention.person.name.split()[-1] in mention.evidence
    assert 0 < mention.confidence <= 1
    # Re-importing the same files changes nothing.
    out, _, error = run_import(seeds_dir)
    assert error is None and "0 articles created, 0 updated" in out


def published_quote(**kwargs):
    article = ArticleFactory(
        published=True, body="The mayor spoke.\n\n“The bridge will open,” she said."
    )
    return QuoteFactory(article=article, text="The bridge will open", paragraph=1, **kwargs)


def public_quote_texts():
    response = APIClient().get("/api/v1/quotes/")
    assert response.status_code == 200
    return [q["text"] for q in response.json()["results"]]


def test_unreviewed_low_confidence_quotes_stay_off_the_public_site(client, settings):
    settings.NEWSROOM_PUBLIC_MIN_CONFIDENCE = 0.6
    low = published_quote(confidence=0.5, rule="speaker_context.same_paragraph_after")
    assert public_quote_texts() == []
    page = client.get(low.article.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "The bridge will open" in html  # the article text stays
    assert 'class="quote-item"' not in html  # but not as a quote

    low.state = Quote.State.VERIFIED
    low.save()
    assert public_quote_texts() == ["The bridge will open"]


def test_the_floor_is_a_setting(settings):
    settings.NEWSROOM_PUBLIC_MIN_CONFIDENCE = 0
    published_quote(confidence=0.5)
    assert public_quote_texts() == ["The bridge will open"]
    settings.NEWSROOM_PUBLIC_MIN_CONFIDENCE = 0.6  # raising it hides such quotes at once
    assert public_quote_texts() == []
    settings.NEWSROOM_PUBLIC_MIN_CONFIDENCE = 0  # lowering it shows them once refreshed
    refresh_public_state(everything=True)
    assert public_quote_texts() == ["The bridge will open"]


def test_quotes_without_a_score_are_not_held_back(settings):
    settings.NEWSROOM_PUBLIC_MIN_CONFIDENCE = 0.6
    published_quote(confidence=None)  # an editor's quote, or one from before scores
    assert public_quote_texts() == ["The bridge will open"]


def test_admin_shows_provenance_beside_the_speaker_and_filters_by_confidence(admin_client):
    speaker = PersonFactory(name="Jane Doe")
    low = published_quote(
        speaker=speaker,
        confidence=0.48,
        rule="speaker.verb_later_in_sentence",
        cue="said",
        resolved_from="Jane Doe, the mayor, spoke first.",
    )
    QuoteFactory(article=low.article, text="Trams will run", confidence=0.95, start=40)
    page = admin_client.get(f"/admin/articles/quote/{low.pk}/change/").content.decode()
    assert "verb later in sentence" in page and "0.48" in page
    assert "Jane Doe, the mayor, spoke first." in page
    listing = admin_client.get("/admin/articles/quote/?confidence=hidden").content.decode()
    assert "The bridge will open" in listing and "Trams will run" not in listing
    ordered = admin_client.get("/admin/articles/quote/?o=4").content.decode()
    assert ordered.index("The bridge will open") < ordered.index("Trams will run")


def test_article_inline_shows_how_each_speaker_was_found(admin_client):
    quote = published_quote(confidence=0.76, rule="speaker.verb_after_quote")
    page = admin_client.get(f"/admin/articles/article/{quote.article_id}/change/")
    assert "verb after quote · 0.76" in page.content.decode()
