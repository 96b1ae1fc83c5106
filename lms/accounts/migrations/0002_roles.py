"""Create the platform role groups. Their permissions are synced after every migrate
(lms.accounts.roles.roles_sync), since other apps' permissions do not exist yet here."""

from django.db import migrations

ROLES = [
    "Learner",
    "Institution editor",
    "Institution reviewer",
    "Institution credential officer",
    "Employer member",
    "Employer admin",
    "Platform admin",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
