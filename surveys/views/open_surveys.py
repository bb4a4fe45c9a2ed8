"""Staff pages of open surveys: the list, one survey with its QR code, the printable card for the reception desk."""

from functools import partial

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxcenter.decisions import state_change_view
from cxcenter.roles import role_required
from cxcenter.selectors import timeline_for
from surveys.exports import qr_code_response
from surveys.forms import OpenSurveyForm
from surveys.permissions import OPEN_SURVEY_KEEPERS
from surveys.selectors import open_surveys as selectors
from surveys.services import open_surveys as services
from surveys.services.open_surveys import OpenSurveyError


@role_required(*OPEN_SURVEY_KEEPERS)
def open_survey_list(request):
    questionnaire_id = request.GET.get("questionnaire", "")
    questionnaire_id = int(questionnaire_id) if questionnaire_id.isdigit() else None
    open_surveys = selectors.open_survey_list(request.user, questionnaire_id)
    form = OpenSurveyForm(request.POST or None, initial={"questionnaire": questionnaire_id})
    if form.is_valid():
        data = form.cleaned_data
        try:
            open_survey = services.create_open_survey(
                questionnaire_id=data["questionnaire"].pk, actor=request.user, title=data["title"], slug=data["slug"]
            )
        except OpenSurveyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Open survey “%(title)s” created.") % {"title": open_survey.title})
            return redirect("surveys:opensurvey-detail", open_survey.pk)
    context = {"open_surveys": open_surveys, "form": form, "questionnaire_id": questionnaire_id}
    status = 400 if request.method == "POST" else 200
    return render(request, "surveys/opensurvey_list.html", context, status=status)


@role_required(*OPEN_SURVEY_KEEPERS)
def open_survey_detail(request, pk):
    open_survey = selectors.get_open_survey_for(request.user, pk)
    context = {
        "open_survey": open_survey,
        "url": selectors.open_survey_url(open_survey),
        "timeline": timeline_for(open_survey),
    }
    return render(request, "surveys/opensurvey_detail.html", context)


open_survey_action = partial(
    state_change_view,
    load=selectors.get_open_survey_for,
    id_name="open_survey_id",
    back=lambda open_survey: reverse("surveys:opensurvey-detail", args=[open_survey.pk]),
)


open_survey_close = role_required(*OPEN_SURVEY_KEEPERS)(
    open_survey_action(
        services.close_open_survey, gettext_lazy("“%(title)s” is closed: its link and QR code take no answers.")
    )
)
open_survey_reopen = role_required(*OPEN_SURVEY_KEEPERS)(
    open_survey_action(services.reopen_open_survey, gettext_lazy("“%(title)s” takes answers again."))
)


def qr_view(kind: str):
    def view(request, pk):
        open_survey = selectors.get_open_survey_for(request.user, pk)
        url = selectors.open_survey_url(open_survey)
        download = request.GET.get("download") == "1"
        return qr_code_response(url, kind, f"qr-{open_survey.slug}", download=download)

    return view


open_survey_qr_svg = role_required(*OPEN_SURVEY_KEEPERS)(qr_view("svg"))
open_survey_qr_png = role_required(*OPEN_SURVEY_KEEPERS)(qr_view("png"))


@role_required(*OPEN_SURVEY_KEEPERS)
def open_survey_print(request, pk):
    open_survey = selectors.get_open_survey_for(request.user, pk)
    context = {"open_survey": open_survey, "url": selectors.open_survey_url(open_survey)}
    return render(request, "surveys/opensurvey_print.html", context)
