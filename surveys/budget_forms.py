"""Forms of the budget pages: amounts in yuan (元), two decimals, never negative, in the reader's language."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.models import BudgetLine

NEGATIVE_AMOUNT = _("An amount cannot be negative; enter 0 or more yuan.")


class YuanField(forms.DecimalField):
    """An amount in yuan typed the way the reader's language writes numbers; Django refuses text that is no number."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("localize", True)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)
        self.error_messages["min_value"] = NEGATIVE_AMOUNT


class BudgetLineForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=BudgetLine.Category.choices)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    estimate_amount = YuanField(label=_("Estimate (yuan)"))


class ActualAmountForm(forms.Form):
    actual_amount = YuanField(label=_("Actual (yuan)"))


class BudgetDecisionForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
