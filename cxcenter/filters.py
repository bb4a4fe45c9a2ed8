import django_filters
from django import forms
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import Customer, Role, User


class CustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    tier = django_filters.ChoiceFilter(
        label=capfirst(_("tier")), choices=Customer.Tier.choices, empty_label=_("All tiers")
    )
    industry = django_filters.ChoiceFilter(label=capfirst(_("industry")), empty_label=_("All industries"))
    account_manager = django_filters.ModelChoiceFilter(
        label=capfirst(_("account manager")), queryset=User.objects.none(), empty_label=_("All account managers")
    )
    consents_to_surveys = django_filters.BooleanFilter(
        label=capfirst(_("consents to surveys")),
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Consented")), ("false", _("Not consented"))]),
    )

    class Meta:
        model = Customer
        fields = ["q", "tier", "industry", "account_manager", "consents_to_surveys"]

    def __init__(self, *args, industries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["industry"].extra["choices"] = [(name, name) for name in industries]
        self.filters["account_manager"].queryset = User.objects.filter(groups__name=Role.ACCOUNT_MANAGER).order_by(
            "username"
        )

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(organisation__icontains=value)
            | Q(email__icontains=value)
            | Q(phone__icontains=value)
        )
