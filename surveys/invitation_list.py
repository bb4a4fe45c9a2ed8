"""Reading a list of customers to invite from Excel: every row checked before a batch is made."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from cxcenter.customer_import import RowError, cell_text
from cxcenter.errors import DomainError
from cxcenter.models import Customer

CUSTOMER_ID, EMAIL = "customer_id", "email"
COLUMN_LABELS = {
    CUSTOMER_ID: gettext_lazy("customer number"),
    EMAIL: Customer._meta.get_field("email").verbose_name,
}


class InvitationListError(DomainError):
    """The list cannot be used; `errors` gives every reason, by row where there is one."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors


def header_names() -> dict[str, str]:
    """Every accepted header spelling (code, label in each product language) → column."""
    names = {"id": CUSTOMER_ID}
    for column, label in COLUMN_LABELS.items():
        names[column] = column
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                names[str(label).strip().lower()] = column
    return names


def read_invitation_list(uploaded) -> list[int]:
    """The customer ids of an uploaded .xlsx with a customer number or an e-mail address per row.

    Raises InvitationListError listing every problem: not an .xlsx, no usable column, or each bad row
    (neither number nor e-mail, an unknown customer, a customer listed twice). Whether each customer may be
    invited (consent, e-mail, earlier invitation) is decided by create_batch(), which lists the skipped ones.
    """
    try:
        workbook = load_workbook(uploaded, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise InvitationListError([RowError(0, _("The file is not an Excel workbook (.xlsx)."))]) from None
    lines = workbook.worksheets[0].iter_rows(values_only=True)
    header = next(lines, None)
    columns = read_header(header or ())
    rows, errors = [], []
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
        row, error = parse_row(data)
        if error:
            errors.append(RowError(number, error))
        else:
            rows.append((number, row))
    customer_ids, lookup_errors = resolve(rows)
    errors.extend(lookup_errors)
    if not customer_ids and not errors:
        errors.append(RowError(0, _("The list has no customer rows.")))
    if errors:
        raise InvitationListError(sorted(errors, key=lambda error: error.row))
    return customer_ids


def read_header(header) -> dict[int, str]:
    """Column index → column; InvitationListError when neither a customer number nor an e-mail column is there."""
    accepted = header_names()
    columns = {}
    for index, title in enumerate(header):
        column = accepted.get(str(title).strip().lower()) if title is not None else None
        if column and column not in columns.values():
            columns[index] = column
    if not columns:
        labels = ", ".join(str(label) for label in COLUMN_LABELS.values())
        raise InvitationListError(
            [RowError(1, _("The first row must name a column: %(columns)s.") % {"columns": labels})]
        )
    return columns


def parse_row(data: dict) -> tuple[tuple[str, object] | None, str]:
    """(("id", 12) or ("email", "a@b.c"), "") for a good row, (None, reason) for a bad one."""
    number, email = data.get(CUSTOMER_ID, ""), data.get(EMAIL, "")
    if number:
        if not number.isdigit():
            return None, _("“%(value)s” is not a customer number.") % {"value": number}
        return (CUSTOMER_ID, int(number)), ""
    if email:
        try:
            validate_email(email)
        except ValidationError:
            return None, _("“%(value)s” is not an e-mail address.") % {"value": email}
        return (EMAIL, email.lower()), ""
    return None, _("Give a customer number or an e-mail address.")


def resolve(rows: list[tuple[int, tuple[str, object]]]) -> tuple[list[int], list[RowError]]:
    """Match the rows to customers in two queries; unknown customers and repeats are errors."""
    ids = [value for _number, (kind, value) in rows if kind == CUSTOMER_ID]
    emails = [value for _number, (kind, value) in rows if kind == EMAIL]
    known_ids = set(Customer.objects.filter(pk__in=ids).values_list("pk", flat=True))
    by_email = dict(
        Customer.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
        .values_list("email_lower", "pk")
    )
    seen, customer_ids, errors = {}, [], []
    for number, (kind, value) in rows:
        customer_id = by_email.get(value) if kind == EMAIL else (value if value in known_ids else None)
        if customer_id is None:
            if kind == CUSTOMER_ID:
                message = _("No customer has the number %(value)s.") % {"value": value}
            else:
                message = _("No customer has the e-mail address %(value)s.") % {"value": value}
            errors.append(RowError(number, message))
        elif customer_id in seen:
            errors.append(RowError(number, _("The same customer is also on row %(row)d.") % {"row": seen[customer_id]}))
        else:
            seen[customer_id] = number
            customer_ids.append(customer_id)
    return customer_ids, errors
