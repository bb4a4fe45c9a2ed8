"""Forms of the survey pages: plans and nodes, budgets (amounts in 元), the index tree, questionnaires, open
surveys and answers typed in from paper."""

from decimal import Decimal

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cxcenter.models import Role, User
from surveys import questionnaire_json, questionnaire_templates
from surveys.models import (
    BudgetLine,
    IndexFactor,
    InvitationBatch,
    OpenSurvey,
    PainPoint,
    PlanMilestone,
    Question,
    Questionnaire,
    Response,
    ResultSummary,
    Section,
    SummaryProblem,
    SurveyPlan,
)
from surveys.selectors.index import active_leaf_factors
from surveys.selectors.open_surveys import open_survey_questionnaires
from surveys.selectors.questionnaires import copy_sources

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SurveyPlanForm(forms.ModelForm):
    class Meta:
        model = SurveyPlan
        fields = [
            "title",
            "goal",
            "content",
            "product_type",
            "method",
            "owner",
            "staff",
            "period_start",
            "period_end",
            "report_due",
        ]
        widgets = {
            "goal": forms.Textarea(attrs={"rows": 3}),
            "content": forms.Textarea(attrs={"rows": 4}),
            "period_start": DATE_INPUT,
            "period_end": DATE_INPUT,
            "report_due": DATE_INPUT,
            "staff": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(groups__name=Role.SUPERVISOR).order_by("username")
        self.fields["staff"].queryset = (
            User.objects.filter(groups__name__in=[Role.SPECIALIST, Role.SUPERVISOR]).distinct().order_by("username")
        )

    def clean(self):
        cleaned = super().clean()
        start, end, due = cleaned.get("period_start"), cleaned.get("period_end"), cleaned.get("report_due")
        if start and end and end < start:
            self.add_error("period_end", _("The period must end after it starts."))
        if start and due and due < start:
            self.add_error("report_due", _("The report cannot be due before the period starts."))
        return cleaned


class MilestoneScheduleForm(forms.ModelForm):
    class Meta:
        model = PlanMilestone
        fields = ["due_date", "owner"]
        widgets = {"due_date": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            User.objects.filter(groups__name__in=[Role.SPECIALIST, Role.SUPERVISOR, Role.DIRECTOR])
            .distinct()
            .order_by("username")
        )


class MilestoneDoneForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), required=False, widget=DATE_INPUT)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


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


class QuestionnaireForm(forms.ModelForm):
    """Title, language, anonymity and introduction of a questionnaire."""

    class Meta:
        model = Questionnaire
        fields = ["title", "language", "is_anonymous", "introduction"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 4})}


class QuestionnaireCreateForm(QuestionnaireForm):
    """A new questionnaire, empty or from a template of the library."""

    template_key = forms.ChoiceField(label=_("Start from"), required=False)

    class Meta(QuestionnaireForm.Meta):
        fields = ["template_key", *QuestionnaireForm.Meta.fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template_key"].choices = [
            ("", _("An empty questionnaire")),
            *questionnaire_templates.template_choices(),
        ]
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Leave blank to use the template's title.")
        self.fields["introduction"].help_text = _("Leave blank to use the template's introduction.")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("template_key") and not cleaned.get("title", "").strip():
            self.add_error("title", _("Give the questionnaire a title, or start from a template."))
        return cleaned


class QuestionnaireCopyForm(forms.Form):
    """A new questionnaire copied from an earlier one, of this plan or another."""

    source = forms.ModelChoiceField(label=_("Earlier questionnaire"), queryset=Questionnaire.objects.none())
    title = forms.CharField(
        label=_("Title"),
        max_length=Questionnaire._meta.get_field("title").max_length,
        required=False,
        help_text=_("Leave blank to keep the earlier questionnaire's title."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = copy_sources()
        self.fields["source"].label_from_instance = lambda questionnaire: (
            _("%(questionnaire)s — %(plan)s")
            % {
                "questionnaire": questionnaire,
                "plan": questionnaire.plan,
            }
        )


class QuestionnaireImportForm(forms.Form):
    file = forms.FileField(
        label=_("Questionnaire file (.json)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > questionnaire_json.MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 512 KB; a questionnaire file is much smaller."))
        return file


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["title"]


class QuestionForm(forms.ModelForm):
    """A question of the builder; choices are typed one per line."""

    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Single and multiple choice questions only: one choice per line, at least two."),
    )

    class Meta:
        model = Question
        fields = ["text", "help_text", "kind", "is_required", "factor", "choices"]
        help_texts = {"factor": _("Rating and recommend questions can feed a factor of the satisfaction index.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["factor"].queryset = active_leaf_factors()
        self.fields["factor"].label_from_instance = lambda factor: f"{factor.system} · {factor}"
        if self.instance.pk and not self.is_bound:
            self.initial["choices"] = "\n".join(choice.label for choice in self.instance.choices.all())

    def clean_choices(self):
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]

    def clean(self):
        cleaned = super().clean()
        kind, choices, factor = cleaned.get("kind"), cleaned.get("choices", []), cleaned.get("factor")
        if kind in Question.CHOICE_KINDS and len(choices) < 2:
            self.add_error("choices", _("Give at least two choices, one per line."))
        if kind and kind not in Question.CHOICE_KINDS and choices:
            self.add_error("choices", _("Only single and multiple choice questions have choices; clear this box."))
        if len(set(choices)) != len(choices):
            self.add_error("choices", _("Each choice may appear only once."))
        if kind and factor and kind not in Question.SCORED_KINDS:
            self.add_error("factor", _("Only rating and recommend questions feed the satisfaction index."))
        return cleaned

    def service_fields(self) -> dict:
        """The cleaned data as add_question and update_question take it."""
        data = {**self.cleaned_data}
        factor = data.pop("factor")
        return {**data, "factor_id": factor.pk if factor else None}


class OpenSurveyForm(forms.Form):
    """A new open survey: which approved questionnaire, its title at the desk and, optionally, its link name."""

    questionnaire = forms.ModelChoiceField(label=_("Questionnaire"), queryset=Questionnaire.objects.none())
    title = forms.CharField(
        label=_("Title"),
        max_length=OpenSurvey._meta.get_field("title").max_length,
        help_text=_("Shown to staff and printed above the QR code, e.g. “Visitors of the Beijing centre”."),
    )
    slug = forms.SlugField(
        label=_("Link name"),
        max_length=OpenSurvey._meta.get_field("slug").max_length,
        required=False,
        help_text=_("Latin letters, digits and hyphens, e.g. beijing-centre. Leave blank for a generated one."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = open_survey_questionnaires()
        self.fields["questionnaire"].label_from_instance = lambda questionnaire: (
            _("%(questionnaire)s — %(plan)s") % {"questionnaire": questionnaire, "plan": questionnaire.plan}
        )


class PaperEntryForm(forms.Form):
    """How the answers typed in were collected: a paper form or a phone interview."""

    source = forms.ChoiceField(
        label=_("Answers collected by"),
        choices=[(source.value, source.label) for source in (Response.Source.PAPER, Response.Source.PHONE)],
        widget=forms.RadioSelect,
        initial=Response.Source.PAPER,
    )


DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class BatchForm(forms.ModelForm):
    """A new batch; the customers come from the filters above the form or from an uploaded list."""

    FILTERS, FILE = "filters", "file"

    source = forms.ChoiceField(
        label=_("Customers"),
        choices=[(FILTERS, _("Customers matching the filters")), (FILE, _("Customers listed in an Excel file"))],
        initial=FILTERS,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("Excel list (.xlsx)"),
        required=False,
        help_text=_("One customer per row: a column “customer number” or “e-mail”."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    reminder_days_before = forms.IntegerField(
        label=_("Remind this many days before the deadline"), min_value=0, max_value=60
    )
    max_reminders = forms.IntegerField(label=_("At most this many reminders"), min_value=0, max_value=5)

    class Meta:
        model = InvitationBatch
        fields = [
            "name",
            "deadline",
            "incentive",
            "incentive_text",
            "email_subject",
            "email_message",
            "reminder_days_before",
            "max_reminders",
        ]
        widgets = {"deadline": DATETIME_INPUT, "email_message": forms.Textarea(attrs={"rows": 6})}

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline <= timezone.now():
            raise forms.ValidationError(_("The deadline must be in the future."))
        return deadline

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") == self.FILE and not cleaned.get("file"):
            self.add_error("file", _("Choose the Excel file with the customers to invite."))
        if cleaned.get("incentive") and cleaned.get("incentive") != InvitationBatch.Incentive.NONE:
            return cleaned
        if cleaned.get("incentive_text"):
            self.add_error("incentive", _("Choose the kind of incentive the details describe."))
        return cleaned

    def batch_fields(self) -> dict:
        """The cleaned values create_batch() takes."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class SurveyReportForm(forms.Form):
    """The text sections of a survey or analysis report; the figures come from the data."""

    findings = forms.CharField(
        label=_("Findings (problems found)"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    conclusions = forms.CharField(label=_("Conclusions"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    recommendations = forms.CharField(
        label=_("Recommendations"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )


class ArchiveForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


# Result summaries (客户体验结果汇总表) and the pain-point library (客户需求痛点库)


class ResultSummaryForm(forms.ModelForm):
    class Meta:
        model = ResultSummary
        fields = ["summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 8})}
        help_texts = {"summary": _("What the answers say overall: the summary column of the table.")}


class ShownAnswerIterator(ModelChoiceIterator):
    """Lists the field's `shown` answers rather than every answer it accepts."""

    def __init__(self, field):
        super().__init__(field)
        if field.shown is not None:
            self.queryset = field.shown


class ProblemAnswerField(forms.ModelMultipleChoiceField):
    """Accepts any free-text answer of the questionnaire (`queryset`) and lists a page of them (`shown`, set
    before `queryset`)."""

    iterator = ShownAnswerIterator
    shown = None

    def label_from_instance(self, answer):
        return _("Response #%(response)s · %(question)s: %(text)s") % {
            "response": answer.response_id,
            "question": answer.question.text,
            "text": answer.text[:160],
        }


class SummaryProblemForm(forms.Form):
    """A problem found; the view passes the questionnaire's questions and free-text answers to choose from."""

    severity = forms.ChoiceField(label=_("Severity"), choices=SummaryProblem.Severity.choices, widget=forms.RadioSelect)
    description = forms.CharField(label=_("Description"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    questions = forms.ModelMultipleChoiceField(
        label=_("Questions behind it"),
        queryset=Question.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    answers = ProblemAnswerField(
        label=_("Free-text answers behind it"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, questions, answers, shown_answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"].queryset = questions
        self.fields["answers"].shown = shown_answers
        self.fields["answers"].queryset = answers


class PainPointForm(forms.ModelForm):
    class Meta:
        model = PainPoint
        fields = ["description", "category", "severity"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class PainPointCreateForm(PainPointForm):
    note = forms.CharField(
        label=_("Where it was met"),
        required=False,
        max_length=300,
        help_text=_("For example a phone call, a visit or a complaint; kept as the entry's first source."),
    )


class PainPointEntryField(forms.ModelChoiceField):
    def label_from_instance(self, pain_point):
        return _("%(description)s (frequency %(frequency)s)") % {
            "description": pain_point,
            "frequency": pain_point.frequency,
        }


class PainPointFromSourceForm(forms.Form):
    """An answer or a problem goes into the library: into an existing entry, or as a new one."""

    existing = PainPointEntryField(
        label=_("Add to an existing entry"),
        queryset=PainPoint.objects.none(),
        required=False,
        empty_label=_("No: open a new entry"),
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", "---------"), *PainPoint.Category.choices]
    )
    severity = forms.ChoiceField(
        label=_("Severity"), choices=PainPoint.Severity.choices, initial=PainPoint.Severity.MEDIUM
    )

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["existing"].queryset = entries

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("existing"):
            return cleaned
        if not (cleaned.get("description") or "").strip():
            self.add_error("description", _("Describe the new entry, or choose an existing one."))
        if not cleaned.get("category"):
            self.add_error("category", _("Choose the category of the new entry."))
        return cleaned


class PainPointSourceForm(forms.Form):
    note = forms.CharField(
        label=_("Where it was met again"),
        max_length=300,
        help_text=_("For example a phone call, a visit or a complaint."),
    )


class PainPointStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=PainPoint.Status.choices)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)


class PainPointMergeForm(forms.Form):
    target = PainPointEntryField(label=_("Merge into"), queryset=PainPoint.objects.none())
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets
