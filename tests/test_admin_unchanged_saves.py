"""Saving any admin form unchanged changes no row (issue 10, "Bars"), on every model admin.

The test walks ``admin.site``'s registry for the articles app and auth's User and Group, so
a model admin added later without an object here fails ``test_every_model_admin_is_covered``.
Each form is opened with the test client and posted back exactly as a browser would
(tests/admin_forms.py); then every row of every table of those apps (their history tables
and the admin log included) must be what it was.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission, User

from articles.models import ImportRun, ImportRunFile, PersonVariant
from tests.admin_forms import submit_unchanged
from tests.factories import (
    ArticleFactory,
    MentionFactory,
    PersonFactory,
    QuoteFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"

COVERED_APPS = {"articles", "auth"}


def an_article():
    article = ArticleFactory(
        body="First paragraph.\n\nSecond paragraph, with a quote.",
        related_links=[{"title": "Elsewhere", "url": "https://example.org/a"}],
        published=True,
    )
    MentionFactory(article=article)
    QuoteFactory(article=article, text="with a quote", paragraph=1, start=18, end=30)
    QuoteFactory(article=article, text="Line one\nline two", paragraph=0, start=0, end=17)
    return article


def a_person():
    person = PersonFactory(name="Jana Nováková")
    PersonVariant.objects.create(person=person, name="J. Nováková")
    QuoteFactory(speaker=person)
    return person


def an_import_run():
    run = ImportRun.objects.create(files_count=1, created_count=1)
    ImportRunFile.objects.create(run=run, name="one.html", outcome="created")
    return run


def a_lead_image():
    from tests.test_lead_images import library_image

    return library_image(caption="The harbour at dawn", credit="Jane Doe / Agency")


def a_group():
    group = Group.objects.create(name="Night desk")
    group.permissions.set(Permission.objects.filter(codename__startswith="view_")[:3])
    return group


# One existing object per registered model: (make it, who opens the form).
OBJECTS = {
    "articles.Source": (lambda: SourceFactory(name="Daily Wire\nService"), "editor"),
    "articles.Person": (a_person, "editor"),
    "articles.Article": (an_article, "editor"),
    "articles.Quote": (lambda: QuoteFactory(text="Two\nlines", sentence="A\nB"), "editor"),
    "articles.ImportRun": (an_import_run, "editor"),
    "articles.LeadImage": (a_lead_image, "editor"),
    "auth.User": (lambda: UserFactory(username="reporter", groups=["Reporter"]), "superuser"),
    "auth.Group": (a_group, "superuser"),
}


def registered_models():
    return sorted(
        model._meta.label for model in admin.site._registry if model._meta.app_label in COVERED_APPS
    )


def every_row():
    """Each row of each table of the covered apps (history tables and the admin log too)."""
    models = [m for m in apps.get_models() if m._meta.app_label in COVERED_APPS] + [LogEntry]
    return {
        m._meta.label: list(m.objects.order_by("pk").values()) for m in models if m._meta.managed
    }


def test_every_model_admin_is_covered():
    assert registered_models() == sorted(OBJECTS)


@pytest.mark.parametrize("label", sorted(OBJECTS))
def test_saving_the_change_form_unchanged_changes_no_row(client, label):
    make, who = OBJECTS[label]
    obj = make()
    if who == "superuser":
        user = UserFactory(username="admin", is_superuser=True)
    else:
        user = UserFactory(username="editor", groups=["Editor"])
    client.force_login(user)  # moves last_login: taken before the snapshot
    model_admin = admin.site._registry[type(obj)]
    url = f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"
    before = every_row()

    if model_admin.has_change_permission(_request_for(user), obj):
        response = submit_unchanged(client, url)
        assert response.status_code == 302, response.content.decode()[:3000]
    else:
        # A read-only admin (import runs) shows the object and has nothing to save.
        page = client.get(url)
        assert page.status_code == 200
        assert b'name="_save"' not in page.content
        assert client.post(url, {"_save": "Save"}).status_code == 403

    after = every_row()
    changed = {table for table in before if before[table] != after[table]}
    assert not changed, {table: (before[table], after[table]) for table in changed}


def _request_for(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(pk=user.pk)
    return request
