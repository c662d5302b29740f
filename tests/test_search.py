"""Full-text search (articles.search): same answers on SQLite and PostgreSQL.

PostgreSQL uses the trigger-maintained, GIN-indexed ``search_vector`` of migration 0004 and
``websearch_to_tsquery``; SQLite falls back to substring matching with the same query syntax
(``articles.search.parse_query``). The shared tests, operators included, run on both (CI runs
the suite on each; locally add DATABASE_URL for PostgreSQL); the PostgreSQL-only tests check
stemming, the index and the trigger.
"""

import pytest
from django.db import connection

from articles.models import Article, Quote
from articles.search import Term, parse_query, search_articles, search_quotes
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
            for qs, index in (
                (search_articles(Article.objects.all(), "harvest"), "articles_article_search"),
                (search_quotes(Quote.objects.all(), "harvest"), "articles_quote_search_vector"),
            ):
                plan = qs.explain()
                assert index in plan, plan
        finally:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_indexscan")
