"""Two editors at once in the admin: a stale save is refused and nothing is lost (issue 10 §1).

Each editor's page is fetched and posted back the way a browser does
(``tests.admin_forms``), so the hidden version travels as it would in Chromium.
"""

import pytest
from django.urls import reverse

from articles.models import Article, Person, Quote
from tests.admin_forms import browser_form_data
from tests.factories import ArticleFactory, PersonFactory, QuoteFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = "The talks resumed in Geneva on Monday.\n\nBoth sides said little."


@pytest.fixture
def editors():
    """Two editors, each with a browser of their own."""
    from django.test import Client

    ann = UserFactory(username="ann", first_name="Ann", last_name="Lee", groups=["Editor"])
    bob = UserFactory(username="bob", first_name="Bob", last_name="Roy", groups=["Editor"])
    a, b = Client(), Client()
    a.force_login(ann)
    b.force_login(bob)
    return a, b


def open_form(client, url):
    page = client.get(url)
    assert page.status_code == 200
    data = browser_form_data(page.content.decode())
    data.pop("_continue", None)
    data.pop("_addanother", None)
    data.setdefault("_save", ["Save"])
    return data


def change_url(obj):
    return reverse(f"admin:articles_{obj._meta.model_name}_change", args=[obj.pk])


def test_a_stale_save_is_refused_shows_their_change_and_keeps_mine(editors):
    ann, bob = editors
    article = ArticleFactory(headline="Talks resume", body=BODY)
    url = change_url(article)
    ann_form, bob_form = open_form(ann, url), open_form(bob, url)

    ann_form["headline"] = ["Talks resume in Geneva"]
    assert ann.post(url, ann_form).status_code == 302
    stored = Article.objects.values().get(pk=article.pk)
    assert stored["version"] == 2

    bob_form["body"] = [BODY.replace("said little", "said nothing").replace("\n", "\r\n")]
    refused = bob.post(url, bob_form)

    # Refused: nothing written, Ann's headline kept.
    assert refused.status_code == 200
    assert Article.objects.values().get(pk=article.pk) == stored
    assert article.history.count() == 2  # the creation and Ann's save, nothing of Bob's
    page = refused.content.decode()
    assert "Ann Lee saved this article after you opened it" in page
    assert 'id="edit-conflict"' in page
    # Ann's change as a word diff.
    assert "<del>Talks resume</del><ins>Talks resume in Geneva</ins>" not in page
    assert "Talks resume <ins>in Geneva</ins>" in page
    # The form holds Bob's body and, where he typed nothing, what is stored now.
    again = browser_form_data(page)
    assert again["headline"] == ["Talks resume in Geneva"]
    assert again["body"][0].replace("\r\n", "\n").endswith("said nothing.")
    assert again["opened_version"] == ["2"]

    # Saving that form again applies Bob's change on top of Ann's.
    again.setdefault("_save", ["Save"])
    assert bob.post(url, again).status_code == 302
    article.refresh_from_db()
    assert article.headline == "Talks resume in Geneva"
    assert article.body.endswith("Both sides said nothing.")
    assert article.version == 3


def test_both_changed_the_same_field_the_form_keeps_mine_and_says_so(editors):
    ann, bob = editors
    article = ArticleFactory(headline="Talks resume")
    url = change_url(article)
    ann_form, bob_form = open_form(ann, url), open_form(bob, url)
    ann_form["headline"] = ["Talks resume in Geneva"]
    ann.post(url, ann_form)
    bob_form["headline"] = ["Talks to resume"]
    page = bob.post(url, bob_form).content.decode()
    assert Article.objects.get(pk=article.pk).headline == "Talks resume in Geneva"
    assert "You changed it too" in page
    assert browser_form_data(page)["headline"] == ["Talks to resume"]


def test_an_untouched_stale_form_is_refused_rather_than_write_old_values_back(editors):
    ann, bob = editors
    article = ArticleFactory(headline="Talks resume")
    url = change_url(article)
    ann_form, bob_form = open_form(ann, url), open_form(bob, url)
    ann_form["headline"] = ["Talks resume in Geneva"]
    ann.post(url, ann_form)
    # Bob's form still shows the old headline: posting it unchanged must not write it back...
    response = bob.post(url, bob_form)
    # ...but it differs from what is stored now, so it counts as a change and is refused.
    assert response.status_code == 200
    assert Article.objects.get(pk=article.pk).headline == "Talks resume in Geneva"
    # Opened after Ann's save, the same untouched form saves nothing and is not refused.
    fresh = open_form(bob, url)
    assert bob.post(url, fresh).status_code == 302
    assert Article.objects.get(pk=article.pk).version == 2


def test_an_inline_quote_edited_meanwhile_is_not_overwritten(editors):
    ann, bob = editors
    article = ArticleFactory(headline="Talks resume", body=BODY)
    quote = QuoteFactory(article=article, text="We will talk", said_to="")
    url = change_url(article)
    bob_form = open_form(bob, url)
    # Ann verifies the quote on its own page while Bob has the article open.
    ann_form = open_form(ann, change_url(quote))
    ann_form["state"] = ["verified"]
    ann_form["said_to"] = ["reporters"]
    assert ann.post(change_url(quote), ann_form).status_code == 302

    bob_form["headline"] = ["Talks resume in Geneva"]
    refused = bob.post(url, bob_form)

    assert refused.status_code == 200
    assert Article.objects.get(pk=article.pk).headline == "Talks resume"  # nothing written
    stored = Quote.objects.get(pk=quote.pk)
    assert (stored.state, stored.said_to) == ("verified", "reporters")
    page = refused.content.decode()
    assert "Someone else changed or deleted rows here after you opened the page" in page
    assert "<ins>reporters</ins>" in page
    again = browser_form_data(page)
    assert again["quotes-0-state"] == ["verified"]  # refreshed: Bob did not touch it
    assert again["headline"] == ["Talks resume in Geneva"]  # kept: Bob's change
    again["_save"] = ["Save"]
    assert bob.post(url, again).status_code == 302
    assert Article.objects.get(pk=article.pk).headline == "Talks resume in Geneva"
    stored = Quote.objects.get(pk=quote.pk)
    assert (stored.state, stored.said_to) == ("verified", "reporters")


def test_deleting_an_inline_quote_someone_edited_meanwhile_is_refused(editors):
    ann, bob = editors
    article = ArticleFactory()
    quote = QuoteFactory(article=article, text="We will talk")
    url = change_url(article)
    bob_form = open_form(bob, url)
    ann_form = open_form(ann, change_url(quote))
    ann_form["text"] = ["We will talk again"]
    ann.post(change_url(quote), ann_form)

    bob_form["quotes-0-DELETE"] = ["on"]
    response = bob.post(url, bob_form)

    assert response.status_code == 200
    assert Quote.objects.get(pk=quote.pk).text == "We will talk again"


@pytest.mark.parametrize("model", ["person", "quote"])
def test_people_and_quotes_refuse_a_stale_save_too(editors, model):
    ann, bob = editors
    obj = PersonFactory(name="Dmitry Peskov") if model == "person" else QuoteFactory(text="Yes")
    field, ann_value, bob_value = (
        ("name", "Dmitri Peskov", "Dmitry S. Peskov")
        if model == "person"
        else ("text", "Yes, we will", "Yes we will")
    )
    url = change_url(obj)
    ann_form, bob_form = open_form(ann, url), open_form(bob, url)
    ann_form[field] = [ann_value]
    assert ann.post(url, ann_form).status_code == 302
    bob_form[field] = [bob_value]
    response = bob.post(url, bob_form)
    assert response.status_code == 200
    Model = Person if model == "person" else Quote
    assert getattr(Model.objects.get(pk=obj.pk), field) == ann_value
    assert "saved this" in response.content.decode()


def test_the_form_says_who_else_has_it_open_and_forgets_them_when_they_leave(editors):
    ann, bob = editors
    article = ArticleFactory()
    url = change_url(article)
    first = ann.get(url).content.decode()
    assert 'id="editing-now"' in first and "hidden>" in first.split('id="editing-now"')[1][:400]

    page = bob.get(url).content.decode()
    notice = page.split('id="editing-now"')[1].split("</div>")[0]
    assert "Ann Lee" in notice and " hidden" not in notice.split(">")[0]
    assert "admin/articles/editing.js" in page

    editing = reverse("admin:articles_article_editing", args=[article.pk])
    assert ann.post(editing).json() == {"others": ["Bob Roy"]}
    assert ann.get(editing).status_code == 405
    ann.post(editing, {"leave": "1"})
    assert bob.post(editing).json() == {"others": []}


def test_a_reporter_viewing_a_live_article_is_not_counted_as_editing(editors, reporter, client):
    ann, _bob = editors
    article = ArticleFactory(published=True)
    client.force_login(reporter)
    page = client.get(change_url(article)).content.decode()
    assert 'id="editing-now"' not in page and 'name="opened_version"' not in page
    editing = reverse("admin:articles_article_editing", args=[article.pk])
    assert client.post(editing).status_code == 403
    assert ann.post(editing).json() == {"others": []}


def test_an_inline_mention_changed_meanwhile_is_not_overwritten(editors):
    from articles.models import Mention

    ann, bob = editors
    article = ArticleFactory()
    mention = Mention.objects.create(article=article, person=PersonFactory(), role="minister")
    url = change_url(article)
    ann_form, bob_form = open_form(ann, url), open_form(bob, url)
    ann_form["mentions-0-role"] = ["foreign minister"]
    assert ann.post(url, ann_form).status_code == 302
    bob_form["mentions-0-role"] = ["former minister"]
    response = bob.post(url, bob_form)
    assert response.status_code == 200
    assert Mention.objects.get(pk=mention.pk).role == "foreign minister"
    page = response.content.decode()
    assert "The version you opened is not in the history" in page
    assert browser_form_data(page)["mentions-0-role"] == ["former minister"]


def test_a_quote_deleted_meanwhile_is_let_go_and_my_change_saved_on_the_second_try(editors):
    ann, bob = editors
    article = ArticleFactory(headline="Talks resume")
    gone, kept = QuoteFactory(article=article, text="Gone"), QuoteFactory(article=article)
    url = change_url(article)
    bob_form = open_form(bob, url)
    ann_form = open_form(ann, url)
    index = ann_form["quotes-0-id"] == [str(gone.pk)] and "0" or "1"
    ann_form[f"quotes-{index}-DELETE"] = ["on"]
    assert ann.post(url, ann_form).status_code == 302
    assert not Quote.objects.filter(pk=gone.pk).exists()

    bob_form["headline"] = ["Talks resume in Geneva"]
    refused = bob.post(url, bob_form)

    assert refused.status_code == 200
    assert Article.objects.get(pk=article.pk).headline == "Talks resume"
    page = refused.content.decode()
    assert "Quote “Gone” — deleted by Ann Lee" in page
    again = browser_form_data(page)
    assert again[f"quotes-{index}-DELETE"] == ["on"]
    again["_save"] = ["Save"]
    response = bob.post(url, again)
    assert response.status_code == 302, [
        (f.prefix, f.errors) for i in response.context["inline_admin_formsets"] for f in i.formset
    ] + [response.context["adminform"].form.errors]
    assert Article.objects.get(pk=article.pk).headline == "Talks resume in Geneva"
    assert list(Quote.objects.all()) == [kept]
