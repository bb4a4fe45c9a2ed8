"""Create one group per role of the department (DOMAIN.md, 岗位)."""

from django.db import migrations

ROLE_CODES = [
    "specialist",
    "supervisor",
    "director",
    "general_manager",
    "center_director",
    "ops_supervisor",
    "service_specialist",
    "account_manager",
    "committee",
]


def create_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for code in ROLE_CODES:
        Group.objects.get_or_create(name=code)


def remove_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_CODES).delete()


class Migration(migrations.Migration):
    dependencies = [("cxcenter", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
