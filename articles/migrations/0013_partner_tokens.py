"""API tokens become django-rest-knox's, stored hashed, with an expiry; editors manage them.

DRF's own tokens (``rest_framework.authtoken``, no longer installed) kept each key in plain
text: each is carried over as a knox token (its SHA-512 digest, the same key still works,
expiring in a year) and the plain-text row is deleted. The Editor group may add, view and
delete (revoke) tokens; the admin lets editors make them for partner accounts only
(``articles.publishing.may_hold_token``).
"""

import datetime as dt

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils import timezone
from knox.crypto import hash_token
from knox.settings import CONSTANTS

EDITOR = "Editor"
TOKEN_PERMISSIONS = ["add_authtoken", "view_authtoken", "delete_authtoken"]
DRF_TOKENS = "authtoken_token"


def grant_editors(apps, schema_editor):
    knox = apps.get_app_config("knox")
    knox.models_module = True
    create_permissions(knox, apps=apps, verbosity=0)
    knox.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editor, _ = Group.objects.get_or_create(name=EDITOR)
    editor.permissions.add(
        *Permission.objects.filter(content_type__app_label="knox", codename__in=TOKEN_PERMISSIONS)
    )


def revoke_editors(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name=EDITOR):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="knox", codename__in=TOKEN_PERMISSIONS
            )
        )


def carry_over_drf_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if DRF_TOKENS not in connection.introspection.table_names():
        return
    AuthToken = apps.get_model("knox", "AuthToken")
    expiry = timezone.now() + dt.timedelta(days=365)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id FROM {DRF_TOKENS}")
        for key, user_id in cursor.fetchall():
            AuthToken.objects.get_or_create(
                digest=hash_token(key),
                defaults={
                    "token_key": key[: CONSTANTS.TOKEN_KEY_LENGTH],
                    "user_id": user_id,
                    "expiry": expiry,
                },
            )
        cursor.execute(f"DELETE FROM {DRF_TOKENS}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_search_vector_cap"),
        ("knox", "0009_extend_authtoken_field"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(grant_editors, revoke_editors),
        migrations.RunPython(carry_over_drf_tokens, migrations.RunPython.noop),
    ]
