"""Create the Editor and Reporter groups with their permissions.

Editor: every permission of the articles app, including publish_article and
merge_person. Reporter: view everything; add and change articles, quotes,
mentions, people, variants and sources (the admin lets them change only drafts
and articles in review); never publish, merge, delete or import.

Permissions are normally created after all migrations have run (post_migrate),
so on a fresh database they do not exist yet here: create them first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = "Editor"
REPORTER = "Reporter"
REPORTER_CAN_WRITE = ["article", "quote", "mention", "person", "personvariant", "source"]


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="articles")

    editor, _ = Group.objects.get_or_create(name=EDITOR)
    editor.permissions.set(ours)

    codenames = ours.values_list("codename", flat=True)
    reporter_codenames = [c for c in codenames if c.startswith("view_")]
    for model in REPORTER_CAN_WRITE:
        reporter_codenames += [f"add_{model}", f"change_{model}"]
    reporter, _ = Group.objects.get_or_create(name=REPORTER)
    reporter.permissions.set(ours.filter(codename__in=reporter_codenames))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITOR, REPORTER]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_history_import_runs_merge_permission"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
