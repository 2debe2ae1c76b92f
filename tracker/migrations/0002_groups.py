"""The three newsroom roles as groups with the permissions their names promise."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "Editor": None,  # every tracker permission, including publish and merge
    "Journalist": [
        "view_*",
        "add_incident",
        "add_statement",
        "change_statement",
        "delete_statement",
        "add_claim",
        "change_claim",
        "delete_claim",
        "add_citation",
        "change_citation",
        "delete_citation",
        "add_counterclaim",
        "change_counterclaim",
        "add_source",
        "change_source",
    ],
    "Viewer": ["view_*"],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make them now so groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    tracker_perms = Permission.objects.filter(content_type__app_label="tracker")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        if codenames is None:
            chosen = list(tracker_perms)
        else:
            chosen = [
                perm
                for perm in tracker_perms
                if perm.codename in codenames
                or ("view_*" in codenames and perm.codename.startswith("view_"))
            ]
        group.permissions.set(chosen)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
