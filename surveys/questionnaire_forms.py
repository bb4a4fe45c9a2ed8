"""Forms of the questionnaire pages: create, copy, import, the builder's sections and questions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys import questionnaire_json, questionnaire_templates
from surveys.models import Question, Questionnaire, Section
from surveys.selectors.index import active_leaf_factors
from surveys.selectors.questionnaires import copy_sources


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
