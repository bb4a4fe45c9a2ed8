from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import Customer, Department, Role, User


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Login name"), widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"})
    )


class CustomerForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = [
            "name",
            "organisation",
            "industry",
            "tier",
            "email",
            "phone",
            "wechat",
            "address",
            "preferred_contact",
            "account_manager",
            "consents_to_surveys",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account_manager"].queryset = User.objects.filter(groups__name=Role.ACCOUNT_MANAGER).order_by(
            "username"
        )


class CustomerImportForm(forms.Form):
    MAX_SIZE = 5 * 1024 * 1024

    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > self.MAX_SIZE:
            raise forms.ValidationError(_("The file is larger than 5 MB; split it into smaller files."))
        return file


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "code", "description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
