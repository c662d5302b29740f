"""The role readers see, kept on the person (issue 11 §1; articles.publishing.public_role).

``Person.public_role``: the role an editor typed (one that is not the importer's value in
``extracted["role"]``), else the role the newest published article gives the person, else
none: a role taken only from a draft no longer shows on public pages, in the API or beside
the person on other articles. Filled here for the people that exist, by the same rule
(written out again: a migration must not import the code of the day).
"""

from django.db import migrations, models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.utils import timezone


def fill_public_roles(apps, schema_editor):
    Person = apps.get_model("articles", "Person")
    Mention = apps.get_model("articles", "Mention")
    newest = (
        Mention.objects.filter(person=OuterRef("pk"), public_at__lte=timezone.now())
        .exclude(role="")
        .order_by("-public_at", "-pk")
        .values("role")[:1]
    )
    typed = ~Q(role="") & (~Q(extracted__has_key="role") | ~Q(role=KT("extracted__role")))
    Person.objects.update(
        public_role=Case(
            When(typed, then=F("role")),
            default=Coalesce(Subquery(newest), Value("")),
            output_field=models.CharField(),
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_lead_images"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="public_role",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="The role readers see: the editor's, else the newest published "
                "article's.",
                max_length=300,
            ),
        ),
        migrations.AlterField(
            model_name="historicalperson",
            name="role",
            field=models.CharField(
                blank=True,
                help_text="Title or job. Typed here, readers see it beside the name at once; "
                "one the importer took from an article shows only once a published article "
                "gives it.",
                max_length=300,
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="role",
            field=models.CharField(
                blank=True,
                help_text="Title or job. Typed here, readers see it beside the name at once; "
                "one the importer took from an article shows only once a published article "
                "gives it.",
                max_length=300,
            ),
        ),
        migrations.RunPython(fill_public_roles, migrations.RunPython.noop),
    ]
