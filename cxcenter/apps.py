from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CxCenterConfig(AppConfig):
    name = "cxcenter"
    verbose_name = _("CX Center")
