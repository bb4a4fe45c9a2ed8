from django import forms
from django.utils.translation import gettext_lazy as _

from cxcenter.models import Role, User
from surveys.models import PlanMilestone, SurveyPlan

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


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


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
