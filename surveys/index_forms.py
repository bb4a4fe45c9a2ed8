"""Forms of the satisfaction index pages: systems, factors and the weights of a group of sibling factors."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.models import IndexFactor


class WeightField(forms.DecimalField):
    """A weight in percent, 0–100 with two decimals, typed the way the reader's language writes numbers."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("max_value", Decimal("100"))
        kwargs.setdefault("localize", True)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)


class IndexSystemForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class FactorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    weight = WeightField(
        label=_("Weight (%)"),
        help_text=_("Its share among the factors of the same group; together they add up to 100%."),
    )


class FactorEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    position = forms.IntegerField(
        label=_("Position"),
        min_value=0,
        max_value=32767,
        help_text=_("Factors of a group are listed from the lowest position to the highest."),
    )


class SiblingWeightsForm(forms.Form):
    """One weight field per active factor of a group, named after the factor's id."""

    def __init__(self, *args, factors: list[IndexFactor], **kwargs):
        super().__init__(*args, **kwargs)
        self.factors = factors
        for factor in factors:
            self.fields[self.field_name(factor)] = WeightField(
                label=factor.name,
                initial=factor.weight,
                widget=forms.TextInput(
                    attrs={"inputmode": "decimal", "autocomplete": "off", "class": "form-control text-end"}
                ),
            )

    @staticmethod
    def field_name(factor: IndexFactor) -> str:
        return f"weight_{factor.pk}"

    def rows(self):
        """(factor, bound field) pairs in the group's order, for the table of the page."""
        return [(factor, self[self.field_name(factor)]) for factor in self.factors]

    def weights(self) -> dict[int, Decimal]:
        """The cleaned weights by factor id."""
        return {factor.pk: self.cleaned_data[self.field_name(factor)] for factor in self.factors}

    def total(self) -> Decimal | None:
        """The sum of the weights shown: as entered once bound (None while one is not a number), else as saved."""
        if not self.is_bound:
            return sum((factor.weight for factor in self.factors), Decimal("0"))
        self.is_valid()  # cleans the form once if no one has yet; errors added later are kept
        values = [self.cleaned_data.get(self.field_name(factor)) for factor in self.factors]
        if any(value is None for value in values):
            return None
        return sum(values, Decimal("0"))
