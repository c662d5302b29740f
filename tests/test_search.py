"""Full-text search (articles.search): same answers on SQLite and PostgreSQL.

PostgreSQL uses the trigger-maintained, GIN-indexed ``search_vector`` of migration 0004 and
``websearch_to_tsquery``; SQLite falls back to substring matching with the same query syntax
(``articles.search.parse_query``). The shared tests, operators included, run on both (CI runs
the suite on each; locally add DATABASE_URL for PostgreSQL); the PostgreSQL-only tests check
stemming, the index and the trigger.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from articles import search
from articles.models import Article, Quote
from articles.search import Term, parse_query, search_articles, search_quotes
from articles.signals import public_cache_version
from tests.factories import ArticleFactory, QuoteFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search only"
)


def found(qs):
    return [row.slug if isinstance(row, Article) else row.text for row in qs]


def test_every_word_must_match():
    both = ArticleFactory(headline="Harvest festival", body="Farmers gather.")
    ArticleFactory(headline="Harvest report", body="Nothing else.")
    assert found(search_articles(Article.objects.all(), "harvest farmers")) == [both.slug]


def test_headline_matches_rank_above_body_matches():
    in_body = ArticleFactory(headline="Weekly notes", body="The harvest came early.")
    in_headline = ArticleFactory(headline="Harvest came early", body="Notes.")
    ranked = found(search_articles(Article.objects.all(), "harvest"))
    assert ranked == [in_headline.slug, in_body.slug]


def test_search_is_case_insensitive_and_finds_quotes():
    QuoteFactory(text="We will REBUILD the bridge")
    QuoteFactory(text="Nothing to add")
    assert found(search_quotes(Quote.objects.all(), "rebuild")) == ["We will REBUILD the bridge"]


def test_a_query_without_words_finds_nothing():
    ArticleFactory(headline="Anything")
    assert found(search_articles(Article.objects.all(), "'%_\\*(")) == []


@pytest.mark.parametrize(
    "query", ["'; DROP TABLE articles_article; --", "100%", "a_b", r"\d+", "[(", "x & | ! <->"]
)
def test_metacharacters_are_only_data(query):
    ArticleFactory(headline="Plain words")
    list(search_articles(Article.objects.all(), query))
    list(search_quotes(Quote.objects.all(), query))
    assert Article.objects.count() == 1


def test_equal_ranks_keep_a_stable_order():
    made = [ArticleFactory(headline="Identical words").slug for _ in range(5)]
    first = found(search_articles(Article.objects.all(), "identical"))
    assert sorted(first) == sorted(made)
    assert found(search_articles(Article.objects.all(), "identical")) == first


def test_search_works_inside_a_subquery():
    hit = ArticleFactory(headline="Harvest")
    QuoteFactory(article=hit, text="Words")
    QuoteFactory(text="Other")
    matching = search_articles(Article.objects.all(), "harvest").values("pk")
    assert list(Quote.objects.filter(article__in=matching).values_list("text", flat=True)) == [
        "Words"
    ]


# --- the bound: the newest MAX_MATCHES matches --------------------------------------------


@pytest.fixture
def harvests(monkeypatch, settings):
    """Five published articles holding "harvest", newest first, the oldest the best match;
    searches reach the newest three."""
    monkeypatch.setattr(search, "MAX_MATCHES", 3)
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    now = timezone.now()
    made = [
        ArticleFactory(
            published=True,
            published_at=now - timezone.timedelta(hours=1 + i),
            headline=f"Weekly notes {i}",
            body="The harvest came.",
        )
        for i in range(4)
    ]
    made.append(
        ArticleFactory(
            published=True,
            published_at=now - timezone.timedelta(days=9),
            headline="Harvest harvest harvest",
            body="Harvest.",
        )
    )
    ArticleFactory(published=True, headline="Nothing", body="Else.")
    QuoteFactory(article=made[0], text="No harvest")
    QuoteFactory(article=made[0], text="A harvest")
    QuoteFactory(article=made[1], text="The harvest now")
    QuoteFactory(article=made[2], text="Harvest soon")
    public_cache_version()
    return [article.slug for article in made]


def test_a_search_reaches_the_newest_matches(harvests):
    results = search_articles(Article.objects.published(), "harvest")
    assert results.count() == 3
    assert found(results) == harvests[:3]  # the best match, older, is past the bound
    # Narrowed by date first, the older match is reached again, ranked first.
    older = Article.objects.published().filter(
        published_at__lt=timezone.now() - timezone.timedelta(hours=3, minutes=30)
    )
    assert found(search_articles(older, "harvest"))[0] == harvests[-1]


def test_the_bound_is_taken_before_ranking(harvests):
    # The newest three, ranked among themselves: a headline match among them comes first.
    Article.objects.filter(slug=harvests[2]).update(headline="Harvest festival")
    assert found(search_articles(Article.objects.published(), "harvest")) == [
        harvests[2],
        harvests[0],
        harvests[1],
    ]


def test_api_filters_narrow_the_rows_before_the_bound(harvests):
    oldest = Article.objects.get(slug=harvests[-1])
    day = oldest.published_at.date().isoformat()
    body = APIClient().get("/api/v1/articles/", {"search": "harvest", "published_to": day}).json()
    assert [item["slug"] for item in body["results"]] == [oldest.slug]


def test_quote_search_reaches_the_newest_quotes(harvests):
    results = search_quotes(Quote.objects.all().order_by("-pk"), "harvest")
    assert sorted(found(results)) == ["A harvest", "Harvest soon", "The harvest now"]


def test_api_and_page_count_up_to_the_bound(harvests, client):
    body = APIClient().get("/api/v1/articles/", {"search": "harvest"}).json()
    assert body["count"] == 3
    assert [item["slug"] for item in body["results"]] == harvests[:3]
    assert APIClient().get("/api/v1/quotes/", {"q": "harvest"}).json()["count"] == 3
    page = client.get("/search/", {"q": "harvest"}).content.decode()
    assert "the newest 3 matches" in page
    oldest = Article.objects.get(slug=harvests[-1]).get_absolute_url()
    assert f'href="{oldest}"' not in page
    assert f'href="{Article.objects.get(slug=harvests[0]).get_absolute_url()}"' in page


# --- query syntax: the same answers on both databases --------------------------------------


@pytest.fixture
def kharkiv():
    """Three articles: Kharkiv alone, Kharkiv with the Kremlin, the Kremlin alone."""
    return {
        "kharkiv": ArticleFactory(headline="Shelling in Kharkiv", body="Power cut overnight.").slug,
        "both": ArticleFactory(
            headline="Kremlin comments on Kharkiv", body="A spokesman spoke."
        ).slug,
        "kremlin": ArticleFactory(headline="Kremlin meeting", body="Officials gathered.").slug,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Kharkiv", {"kharkiv", "both"}),
        ("Kharkiv -Kremlin", {"kharkiv"}),  # SQLite once answered {"kremlin"}
        ("-Kremlin Kharkiv", {"kharkiv"}),
        ("Kharkiv - Kremlin", {"kharkiv"}),  # as websearch_to_tsquery: the dash still negates
        ("Kremlin -Kharkiv", {"kremlin"}),
        ("Kharkiv Kremlin", {"both"}),
        ("Kharkiv or Kremlin", {"kharkiv", "both", "kremlin"}),
        ("Shelling or meeting", {"kharkiv", "kremlin"}),
        ("Kharkiv power or meeting", {"kharkiv", "kremlin"}),  # (Kharkiv and power) or meeting
        ("meeting or Kharkiv power", {"kharkiv", "kremlin"}),
        ('"Kremlin comments"', {"both"}),
        ('"comments Kremlin"', set()),  # a phrase keeps its order
        ('Kharkiv -"Kremlin comments"', {"kharkiv"}),
        ("or Kharkiv or", {"kharkiv", "both"}),
        ("KHARKIV -kremlin", {"kharkiv"}),
    ],
)
def test_query_syntax_means_the_same_on_every_database(kharkiv, query, expected):
    found_slugs = set(found(search_articles(Article.objects.all(), query)))
    assert found_slugs == {kharkiv[name] for name in expected}


def test_syntax_applies_to_quotes_too():
    QuoteFactory(text="We will rebuild the bridge")
    QuoteFactory(text="We will rebuild the school")
    assert found(search_quotes(Quote.objects.all(), "rebuild -bridge")) == [
        "We will rebuild the school"
    ]
    assert sorted(found(search_quotes(Quote.objects.all(), "bridge or school"))) == [
        "We will rebuild the bridge",
        "We will rebuild the school",
    ]


def test_parse_query_reads_websearch_syntax():
    def terms(query):
        return [
            [("-" if term.negated else "") + " ".join(term.words) for term in alternative]
            for alternative in parse_query(query)
        ]

    assert terms("cat dog or rat") == [["cat", "dog"], ["rat"]]
    assert terms('-"fat rat" dog') == [["-fat rat", "dog"]]
    assert terms("--cat") == [["cat"]]
    assert terms("Kremlin-backed") == [["Kremlin backed"]]
    assert terms('"unclosed phrase') == [["unclosed phrase"]]
    assert terms("or") == []
    assert parse_query("x " * 30)[0] == [Term(("x",))] * 20


@on_postgresql
def test_postgresql_stems_words():
    hit = ArticleFactory(headline="Ministers resign", body="")
    assert found(search_articles(Article.objects.all(), "minister resigned")) == [hit.slug]


@on_postgresql
def test_postgresql_vector_follows_edits():
    article = ArticleFactory(headline="Old headline", body="")
    Article.objects.filter(pk=article.pk).update(headline="Fresh headline")
    assert found(search_articles(Article.objects.all(), "fresh")) == [article.slug]
    assert found(search_articles(Article.objects.all(), "old")) == []


@on_postgresql
def test_postgresql_quote_vector_follows_edits():
    quote = QuoteFactory(text="Old words")
    Quote.objects.filter(pk=quote.pk).update(text="Fresh words")
    assert list(search_quotes(Quote.objects.all(), "fresh").values_list("pk", flat=True)) == [
        quote.pk
    ]
    assert not search_quotes(Quote.objects.all(), "old").exists()


@on_postgresql
def test_postgresql_searches_use_the_gin_indexes():
    ArticleFactory(headline="Harvest")
    QuoteFactory(text="Harvest")
    with connection.cursor() as cursor:
        # Tiny test tables: forbid the scans a planner may prefer there (a whole table, or a
        # whole primary-key index read in order), so the plan shows whether the GIN index
        # can serve the search at all, whatever the table statistics other tests left behind.
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")
        try:
            for search_in, qs, index in (
                (search_articles, Article.objects.all(), "articles_article_search"),
                (search_quotes, Quote.objects.all(), "articles_quote_search_vector"),
            ):
                # The newest matches' ids are read as the search is built: that query matches.
                with CaptureQueriesContext(connection) as queries:
                    search_in(qs, "harvest")
                (matching,) = queries.captured_queries
                cursor.execute("EXPLAIN " + matching["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
                assert index in plan, plan
        finally:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_indexscan")


@on_postgresql
def test_postgresql_indexes_a_long_body_up_to_the_cap():
    # 120,000 distinct words: over the 1 MB a tsvector can hold, had the whole body been indexed.
    body = " ".join(f"w{i:07d}x" for i in range(120_000))
    article = ArticleFactory(headline="Long read", body=body)
    assert found(search_articles(Article.objects.all(), "w0000001x")) == [article.slug]
    assert found(search_articles(Article.objects.all(), "w0110000x")) == []  # past the cap
