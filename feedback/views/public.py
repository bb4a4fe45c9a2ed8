"""The customer's feedback pages: no login, phone first. The public feedback form and the confirmation link."""

import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from cxcenter.ratelimit import within_rate_limit
from feedback.forms import ConfirmationForm, PublicCaseForm
from feedback.models import Case
from feedback.services import cases as services
from feedback.services import closure

STARTED_SALT = "feedback.public-form.started"
THANKS_SALT = "feedback.public-form.thanks"
# A form older than this is sent again with a fresh start time (the text is kept).
FORM_MAX_AGE = 24 * 60 * 60
THANKS_MAX_AGE = 60 * 60


def started_stamp() -> str:
    """When the form was shown, signed so a robot cannot claim it waited."""
    return signing.dumps(time.time(), salt=STARTED_SALT)


def seconds_since_start(value: str) -> float | None:
    """Seconds since the form was shown, or None for a missing, forged or stale stamp."""
    try:
        started = signing.loads(value, salt=STARTED_SALT, max_age=FORM_MAX_AGE)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return time.time() - float(started)


def form_page(request, form, *, status: int = 200, problem: str = ""):
    if form.is_bound:
        data = form.data.copy()
        data["started"] = started_stamp()
        form = PublicCaseForm(data)
        form.is_valid()
    else:
        form.initial["started"] = started_stamp()
    return render(request, "feedback/public/case_new.html", {"form": form, "problem": problem}, status=status)


@login_not_required
@never_cache
def case_new(request):
    """The public feedback form (/c/new/): anyone may write; a few messages per address and window."""
    if request.method != "POST":
        return form_page(request, PublicCaseForm())
    if not within_rate_limit(
        request, "feedback-form", limit=settings.CX_FEEDBACK_FORM_MAX_POSTS, window=settings.CX_FEEDBACK_FORM_WINDOW
    ):
        page = render(request, "feedback/public/too_many.html", status=429)
        page["Retry-After"] = str(settings.CX_FEEDBACK_FORM_WINDOW)
        return page
    form = PublicCaseForm(request.POST)
    if not form.is_valid():
        return form_page(request, form, status=400)
    if form.cleaned_data["website"]:
        # Only robots see the honeypot; tell them nothing useful.
        return form_page(request, form, status=400, problem=_("Your message could not be accepted."))
    elapsed = seconds_since_start(form.cleaned_data["started"])
    if elapsed is None or elapsed < settings.CX_FEEDBACK_FORM_MIN_SECONDS:
        return form_page(
            request,
            form,
            status=400,
            problem=_("Please check your message once more, then send it again."),
        )
    fields = {name: form.cleaned_data[name] for name in ("kind", "subject", "description", "contact_name")}
    try:
        case = services.submit_public_case(
            **fields,
            contact_email=form.cleaned_data["contact_email"],
            contact_phone=form.cleaned_data["contact_phone"],
            language=translation.get_language(),
        )
    except services.CaseError as error:
        return form_page(request, form, status=503, problem=str(error))
    receipt = signing.dumps(case.pk, salt=THANKS_SALT)
    return redirect(f"{reverse('feedback-public:case-thanks')}?r={receipt}")


@login_not_required
@never_cache
def case_thanks(request):
    """The thank-you page with the case number to quote; the receipt in the link is signed and short-lived."""
    try:
        case_id = signing.loads(request.GET.get("r", ""), salt=THANKS_SALT, max_age=THANKS_MAX_AGE)
        case = Case.objects.only("pk", "received_at", "contact_email").get(pk=case_id)
    except (signing.BadSignature, Case.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    return render(request, "feedback/public/case_thanks.html", {"case": case})


@login_not_required
@never_cache
def case_confirm(request, token):
    """The customer's link (/c/<token>/): the resolution, and whether they are satisfied; once only.

    An unknown token is a plain 404 and a used one a 410, neither saying anything about the case.
    """
    case = confirmation_case(token)
    if case is None:
        return render(request, "feedback/public/link_unknown.html", status=404)
    if case.status != Case.Status.AWAITING_CUSTOMER or case.confirmed_at is not None:
        return render(request, "feedback/public/link_used.html", status=410)
    form = ConfirmationForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "feedback/public/case_confirm.html", {"case": case, "form": form}, status=400)
        try:
            case = closure.confirm_resolution(token=token, **form.cleaned_data)
        except (closure.ConfirmationClosed, Case.DoesNotExist):
            return render(request, "feedback/public/link_used.html", status=410)
        except services.CaseError as error:
            form.add_error(None, str(error))
            return render(request, "feedback/public/case_confirm.html", {"case": case, "form": form}, status=400)
        return render(request, "feedback/public/case_confirmed.html", {"case": case})
    return render(request, "feedback/public/case_confirm.html", {"case": case, "form": form})


def confirmation_case(token: str) -> Case | None:
    if len(token) > 64:
        return None
    try:
        return (
            Case.objects.only(
                "pk", "status", "confirmed_at", "subject", "resolution", "received_at", "contact_name", "customer__name"
            )
            .select_related("customer")
            .get(confirmation_token=token)
        )
    except Case.DoesNotExist:
        return None
