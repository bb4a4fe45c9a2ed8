"""Forms of the feedback pages: cases, referrals, improvement plans and their actions, the statistics filter."""

import datetime
import re

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cxcenter.models import Department, User
from feedback.models import Case, ImprovementAction, ImprovementReview, Referral
from feedback.selectors.improvements import action_owners, approved_reports, cases_by_id, library_entries

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- cases (intake, handling, closure, referrals, attachments, the public form) --------------------------------


class CaseForm(forms.ModelForm):
    """What a recorder writes down when feedback arrives, and corrects later."""

    class Meta:
        model = Case
        fields = [
            "kind",
            "channel",
            "severity",
            "subject",
            "description",
            "customer",
            "contact_name",
            "contact_email",
            "contact_phone",
            "language",
            "received_at",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "received_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }

    def __init__(self, *args, customers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [
            (value, label) for value, label in Case.Channel.choices if value != Case.Channel.SURVEY
        ]
        if customers is not None:
            self.fields["customer"].queryset = customers
        self.fields["customer"].empty_label = _("Not in the customer file")
        self.fields["customer"].help_text = _("Or give a contact name with an e-mail address or a phone number.")
        self.fields["severity"].help_text = severity_help_text()
        # Left out, it is the product's language (a form posted by a script or an older page).
        self.fields["language"].required = False
        self.fields["language"].help_text = _("The resolution and the link to confirm it are e-mailed in it.")
        self.fields["received_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        if self.instance.pk:
            del self.fields["received_at"]
        else:
            self.initial.setdefault("received_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("customer") and not (cleaned.get("contact_email") or cleaned.get("contact_phone")):
            raise forms.ValidationError(
                _("Choose the customer from the customer file, or give an e-mail address or a phone number.")
            )
        received_at = cleaned.get("received_at")
        if received_at and received_at > timezone.now() + datetime.timedelta(minutes=5):
            self.add_error("received_at", _("The time received cannot be in the future."))
        cleaned["language"] = cleaned.get("language") or settings.LANGUAGE_CODE
        return cleaned


def severity_help_text() -> str:
    parts = [
        _("%(severity)s: respond within %(respond)s h, resolve within %(resolve)s h")
        % {"severity": Case.Severity(code).label, "respond": hours[0], "resolve": hours[1]}
        for code, hours in settings.CX_CASE_SLA_HOURS.items()
    ]
    return _("Deadlines in calendar hours from receipt (nights and weekends count): %(deadlines)s.") % {
        "deadlines": "; ".join(parts)
    }


class CaseHandlingForm(forms.ModelForm):
    """The responsible department, the cause analysis, the countermeasures and the resolution."""

    class Meta:
        model = Case
        fields = ["department", "cause_category", "cause", "countermeasure", "resolution"]
        widgets = {
            "cause": forms.Textarea(attrs={"rows": 3}),
            "countermeasure": forms.Textarea(attrs={"rows": 3}),
            "resolution": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(is_active=True)
        self.fields["resolution"].help_text = _("What the customer will be told; e-mailed with the request to confirm.")


class CaseNoteForm(forms.Form):
    note = forms.CharField(label=_("Follow-up note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class CaseReopenForm(forms.Form):
    comment = forms.CharField(label=_("Why is the case reopened?"), widget=forms.Textarea(attrs={"rows": 2}))


class CaseHandOverForm(forms.Form):
    new_owner = forms.ModelChoiceField(label=_("New owner"), queryset=User.objects.none())
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["new_owner"].queryset = owners


SATISFACTION_CHOICES = [
    (5, _("5 – very satisfied")),
    (4, _("4 – satisfied")),
    (3, _("3 – acceptable")),
    (2, _("2 – not satisfied")),
    (1, _("1 – not at all satisfied")),
]


class ConfirmationForm(forms.Form):
    """The customer's answer: satisfied or not (1–5), and a comment."""

    satisfaction = forms.TypedChoiceField(
        label=_("Are you satisfied with how we handled it?"),
        choices=SATISFACTION_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how satisfied you are.")},
    )
    comment = forms.CharField(
        label=_("Anything you would like to add?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = ["department", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(is_active=True)


class ReferralReplyForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = ["reply", "improvement_status"]
        widgets = {"reply": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply"].required = True


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))


class PublicCaseForm(forms.Form):
    """The public feedback form: no login, so a honeypot and a signed start time keep robots out (no captcha)."""

    kind = forms.ChoiceField(
        label=_("What would you like to send us?"),
        choices=[(value, label) for value, label in Case.Kind.choices],
        initial=Case.Kind.COMPLAINT,
    )
    contact_name = forms.CharField(label=_("Your name"), max_length=100)
    contact_email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    contact_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)
    # Hidden from people by CSS; robots fill in every field they find.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_contact_phone(self):
        phone = self.cleaned_data["contact_phone"].strip()
        if phone and not re.fullmatch(r"[0-9+()\- ]{5,30}", phone):
            raise forms.ValidationError(_("Enter a phone number with digits only (and + - ( ) or spaces)."))
        return phone

    def clean(self):
        cleaned = super().clean()
        reachable = cleaned.get("contact_email") or cleaned.get("contact_phone")
        if not reachable and not self.has_error("contact_email"):
            raise forms.ValidationError(_("Give an e-mail address or a phone number, so we can answer you."))
        return cleaned


# --- improvement plans -------------------------------------------------------------------------------------
# Improvement plans, actions, progress, reviews; the complaint statistics filter.
CASE_NUMBER = re.compile(r"^(?:FB\d{4}-)?0*(\d{1,12})$", re.IGNORECASE)


class ImprovementPlanForm(forms.Form):
    """The general manager's draft: what to improve and what it answers (a report, cases, pain points)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    goal = forms.CharField(label=_("Goal"), widget=forms.Textarea(attrs={"rows": 4}))
    report = forms.ModelChoiceField(
        label=_("From the report"), queryset=approved_reports(), required=False, empty_label=_("No report")
    )
    case_numbers = forms.CharField(
        label=_("From the cases"),
        required=False,
        help_text=_("Case numbers such as FB2026-000012, separated by commas or spaces."),
    )
    pain_points = forms.ModelMultipleChoiceField(
        label=_("From the pain points"),
        queryset=library_entries(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_case_numbers(self) -> list[Case]:
        tokens = [token for token in re.split(r"[\s,，;；]+", self.cleaned_data["case_numbers"]) if token]
        ids = {token: int(match.group(1)) for token in tokens if (match := CASE_NUMBER.match(token))}
        found = cases_by_id([pk for pk in ids.values() if pk > 0])
        wrong = [token for token in tokens if ids.get(token) not in found]
        if wrong:
            raise forms.ValidationError(
                _("No case has the number %(numbers)s.") % {"numbers": ", ".join(wrong)}, code="unknown_case"
            )
        return [found[pk] for pk in dict.fromkeys(ids[token] for token in tokens)]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("report") or cleaned.get("case_numbers") or cleaned.get("pain_points")):
            raise forms.ValidationError(
                _("Name what the plan answers: an approved report, cases or pain points."), code="no_source"
            )
        return cleaned


class ImprovementActionForm(forms.ModelForm):
    """One action of the implementation plan (改进实施方案)."""

    class Meta:
        model = ImprovementAction
        fields = ["description", "owner", "due_date", "expected_effect"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "expected_effect": forms.Textarea(attrs={"rows": 2}),
            "due_date": DATE_INPUT,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = action_owners()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files from one input; each is checked by the attachment service."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


class ActionProgressForm(forms.Form):
    note = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("Evidence files"), required=False)


class ActionDoneForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), required=False, widget=DATE_INPUT)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_done_on(self):
        done_on = self.cleaned_data["done_on"]
        if done_on and done_on > timezone.localdate():
            raise forms.ValidationError(_("An action cannot be done in the future."), code="future")
        return done_on


class ImprovementReviewForm(forms.ModelForm):
    """A periodic review (改进方案实施情况表)."""

    class Meta:
        model = ImprovementReview
        fields = ["period_start", "period_end", "findings", "verdict"]
        widgets = {
            "period_start": DATE_INPUT,
            "period_end": DATE_INPUT,
            "findings": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period must end after it starts."))
        return cleaned


ALL_KINDS = "all"


class StatisticsFilterForm(forms.Form):
    """The period and kind of feedback the complaint statistics (客投诉统计表) count."""

    date_from = forms.DateField(label=_("Received from"), widget=DATE_INPUT)
    date_to = forms.DateField(label=_("Received to"), widget=DATE_INPUT)
    kind = forms.ChoiceField(label=_("Kind"), choices=[*Case.Kind.choices, (ALL_KINDS, _("All kinds"))])

    @classmethod
    def with_defaults(cls, params):
        """The form bound to the query, with twelve whole months of complaints when nothing is chosen."""
        data = params.copy()
        today = timezone.localdate()
        if not data.get("date_to"):
            data["date_to"] = today.isoformat()
        if not data.get("date_from"):
            data["date_from"] = (today.replace(day=1) - datetime.timedelta(days=335)).replace(day=1).isoformat()
        if not data.get("kind"):
            data["kind"] = Case.Kind.COMPLAINT
        return cls(data)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", _("The period must end after it starts."))
            elif (end - start).days > 3660:
                self.add_error("date_from", _("Choose a period of at most ten years."))
        return cleaned
