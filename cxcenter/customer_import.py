"""Reading a customer file from Excel: every row validated before anything is saved."""

import zipfile
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .errors import DomainError
from .models import Customer, Role, User

# Column order of the template; the header may use the field code or its label in any product language.
COLUMNS = [
    "name",
    "organisation",
    "industry",
    "tier",
    "email",
    "phone",
    "wechat",
    "preferred_contact",
    "account_manager",
    "consents_to_surveys",
]
REQUIRED_COLUMNS = {"name"}
YES = {"yes", "y", "true", "1", "是", "同意"}
NO = {"no", "n", "false", "0", "否", "不同意", ""}


@dataclass(frozen=True)
class RowError:
    row: int
    message: str


class CustomerImportError(DomainError):
    """The file cannot be imported; `errors` lists every reason, by row where there is one."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors


class CustomerRowForm(forms.ModelForm):
    account_manager = forms.CharField(required=False)
    consents_to_surveys = forms.CharField(required=False)

    class Meta:
        model = Customer
        fields = [column for column in COLUMNS if column not in ("account_manager", "consents_to_surveys")]

    def __init__(self, *args, managers: dict[str, User], **kwargs):
        super().__init__(*args, **kwargs)
        self.managers = managers

    def clean_account_manager(self):
        username = self.cleaned_data["account_manager"].strip()
        if not username:
            return None
        if username not in self.managers:
            raise forms.ValidationError(_("no account manager with the login “%(login)s”") % {"login": username})
        return self.managers[username]

    def clean_consents_to_surveys(self):
        value = self.cleaned_data["consents_to_surveys"].strip().lower()
        if value in YES:
            return True
        if value in NO:
            return False
        raise forms.ValidationError(_("write yes or no"))

    def _get_validation_exclusions(self):
        # Duplicate e-mails are reported with the file's own row numbers by duplicate_errors(), so the
        # model's unique constraint is left out here; the form field still checks the address itself.
        return super()._get_validation_exclusions() | {"email"}


def header_names() -> dict[str, str]:
    """Map every accepted header spelling (code, English, Chinese label) to its field."""
    names = {}
    for column in COLUMNS:
        names[column] = column
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                names[str(column_label(column)).strip().lower()] = column
    return names


def column_label(column: str):
    return Customer._meta.get_field(column).verbose_name


def choice_codes(choices) -> dict[str, str]:
    """Accept a choice by its code or by its label in any product language."""
    codes = {}
    for value, label in choices:
        codes[value] = value
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                codes[str(label).strip().lower()] = value
    return codes


def read_customer_file(uploaded) -> list[dict]:
    """Validate an uploaded .xlsx and return the rows ready for `import_customers`.

    Raises CustomerImportError listing every problem: not an .xlsx, wrong columns, or each bad row
    with its reason (missing name, bad e-mail, unknown choice, duplicate in the file or the database).
    """
    try:
        workbook = load_workbook(uploaded, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise CustomerImportError([RowError(0, _("The file is not an Excel workbook (.xlsx)."))]) from None
    sheet = workbook.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = next(lines, None)
    if not header:
        raise CustomerImportError([RowError(0, _("The workbook is empty."))])
    columns = read_header(header)
    rows, errors = [], []
    managers = {user.username: user for user in User.objects.filter(groups__name=Role.ACCOUNT_MANAGER)}
    tiers = choice_codes(Customer.Tier.choices)
    contact_ways = choice_codes(Customer.ContactWay.choices)
    for number, values in enumerate(lines, start=2):
        if all(value in (None, "") for value in values):
            continue
        if len(rows) + len(errors) >= settings.CX_IMPORT_MAX_ROWS:
            errors.append(
                RowError(
                    number, _("More than %(limit)d rows; split the file.") % {"limit": settings.CX_IMPORT_MAX_ROWS}
                )
            )
            break
        data = {column: cell_text(values[index]) for index, column in columns.items() if index < len(values)}
        data["tier"] = tiers.get(data.get("tier", "").lower(), data.get("tier") or Customer.Tier.ORDINARY)
        data["preferred_contact"] = contact_ways.get(
            data.get("preferred_contact", "").lower(), data.get("preferred_contact") or Customer.ContactWay.PHONE
        )
        form = CustomerRowForm(data, managers=managers)
        if form.is_valid():
            rows.append((number, form.cleaned_data))
        else:
            errors.append(RowError(number, form_errors(form)))
    errors.extend(duplicate_errors(rows))
    if not rows and not errors:
        errors.append(RowError(0, _("The workbook has no customer rows.")))
    if errors:
        raise CustomerImportError(sorted(errors, key=lambda error: error.row))
    return [cleaned for _number, cleaned in rows]


def read_header(header) -> dict[int, str]:
    """Column index → field, or CustomerImportError naming unknown and missing columns."""
    accepted = header_names()
    columns, unknown = {}, []
    for index, title in enumerate(header):
        if title is None or str(title).strip() == "":
            continue
        field = accepted.get(str(title).strip().lower())
        if field is None:
            unknown.append(str(title))
        else:
            columns[index] = field
    missing = [str(column_label(column)) for column in REQUIRED_COLUMNS if column not in columns.values()]
    errors = []
    if unknown:
        errors.append(RowError(1, _("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)}))
    if missing:
        errors.append(RowError(1, _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}))
    if errors:
        raise CustomerImportError(errors)
    return columns


def duplicate_errors(rows: list[tuple[int, dict]]) -> list[RowError]:
    """Rows whose e-mail repeats an earlier row or an existing customer."""
    emails = [cleaned["email"].lower() for _number, cleaned in rows if cleaned["email"]]
    existing = set(
        Customer.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
        .values_list("email_lower", flat=True)
    )
    seen, errors = {}, []
    for number, cleaned in rows:
        email = cleaned["email"].lower()
        if not email:
            continue
        if email in existing:
            errors.append(
                RowError(
                    number,
                    _("Duplicate: a customer with the e-mail %(email)s already exists.") % {"email": cleaned["email"]},
                )
            )
        elif email in seen:
            errors.append(
                RowError(
                    number,
                    _("Duplicate: the e-mail %(email)s is also on row %(row)d.")
                    % {"email": cleaned["email"], "row": seen[email]},
                )
            )
        else:
            seen[email] = number
    return errors


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def form_errors(form) -> str:
    return "; ".join(
        f"{column_label(field) if field in COLUMNS else ''}: {' '.join(messages)}".lstrip(": ")
        for field, messages in form.errors.items()
    )
