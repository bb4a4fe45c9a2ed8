"""The one shape of a state-change button: POST → its optional comment → one service call → a message → back.

Plans, budgets, questionnaires, reports, summaries, open surveys, improvement plans and cases each build their
buttons' views with state_change_view() instead of writing the pattern again.
"""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .errors import DomainError


class CommentForm(forms.Form):
    """The comment that goes with a decision onto the object's timeline."""

    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


def state_change_view(
    service: Callable,
    success_message,
    *,
    load: Callable,
    id_name: str,
    with_comment: bool = False,
    refused: Callable | None = None,
    back: Callable | None = None,
):
    """A POST-only view running `service(<id_name>=object id, actor=user[, comment=…])` on the object
    `load(user, <url argument>)` returns (which checks that the user may see it: 404/403).

    The success message may name the object as %(title)s. A rule the service refuses (DomainError) is said in a
    message on the object's page, or answered by `refused(request, object, message)` where the page shows it
    itself. Afterwards the user goes to what the service returned when it is a page of its own (a new version),
    else back to the object (or to `back(object)`, for an object whose own address is a public page).
    """

    @require_POST
    def view(request, **url_arguments):
        subject = load(request.user, *url_arguments.values())
        form = CommentForm(request.POST)
        form.is_valid()
        extra = {"comment": form.cleaned_data.get("comment", "")} if with_comment else {}
        try:
            result = service(**{id_name: subject.pk}, actor=request.user, **extra)
        except DomainError as error:
            if refused is not None:
                return refused(request, subject, str(error))
            messages.error(request, str(error))
            return redirect(back(subject) if back else subject)
        messages.success(request, str(success_message) % {"title": subject})
        if back is not None:
            return redirect(back(subject))
        return redirect(result if hasattr(result, "get_absolute_url") else subject)

    return view
