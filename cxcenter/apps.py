from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CxCenterConfig(AppConfig):
    name = "cxcenter"
    verbose_name = _("CX Center")

    def ready(self):
        post_migrate.connect(ensure_role_groups, sender=self)


def ensure_role_groups(**kwargs):
    """Recreate the role groups after a flush (tests), which empties what the data migration made."""
    from django.contrib.auth.models import Group

    from .models import Role

    for role in Role.values:
        Group.objects.get_or_create(name=role)
