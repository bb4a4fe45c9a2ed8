"""Invitation batches: who is invited or skipped, the rules for sending, and the batch pages."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from cxcenter.models import Customer, Role
from cxcenter.tests.factories import CustomerFactory
from surveys.models import Invitation, InvitationBatch, Questionnaire, SurveyPlan
from surveys.selectors import distribution as selectors
from surveys.services import distribution
from surveys.services.distribution import BatchError
from surveys.tests.factories import InvitationBatchFactory, InvitationFactory, QuestionnaireFactory, SurveyPlanFactory
from surveys.urls import batches as batch_urls

pytestmark = pytest.mark.django_db

Delivery = Invitation.Delivery


@pytest.fixture
def questionnaire():
    plan = SurveyPlanFactory(status=SurveyPlan.Status.APPROVED)
    return QuestionnaireFactory(plan=plan, status=Questionnaire.Status.APPROVED, language="en", title="Kettle survey")


def batch_values(**fields):
    return {
        "name": "Spring mailing",
        "deadline": timezone.now() + datetime.timedelta(days=14),
        "email_subject": "Tell us about your kettle",
        "email_message": "Thank you for your purchase.",
        **fields,
    }


def create(questionnaire, actor, customers, **fields):
    return distribution.create_batch(
        questionnaire_id=questionnaire.pk, actor=actor, customers=customers, **batch_values(**fields)
    )


def xlsx(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("list.xlsx", buffer.getvalue())


# --- making a batch --------------------------------------------------------------------------------------------


def test_each_invited_customer_gets_an_unguessable_link_and_the_others_are_skipped_with_the_reason(
    questionnaire, specialist
):
    willing = CustomerFactory(email="willing@example.com")
    no_email = CustomerFactory(email="", name="Mute")
    no_consent = CustomerFactory(consents_to_surveys=False, name="Private")
    earlier = InvitationBatchFactory(questionnaire=questionnaire)
    invited_before = InvitationFactory(batch=earlier).customer

    batch = create(questionnaire, specialist, [willing.pk, no_email.pk, no_consent.pk, invited_before.pk])

    [invitation] = batch.invitations.all()
    assert invitation.customer == willing and invitation.email == "willing@example.com"
    assert invitation.delivery == Delivery.QUEUED and len(invitation.token) >= 43
    assert (invitation.attempts, invitation.last_error, invitation.reminders_sent) == (0, "", 0)
    assert invitation.queued_at is not None and invitation.sent_at is None and invitation.answered_at is None
    assert {(row["customer"], row["reason"]) for row in batch.skipped} == {
        (no_email.pk, "no_email"),
        (no_consent.pk, "no_consent"),
        (invited_before.pk, "already_invited"),
    }
    assert batch.created_by == specialist


def test_a_customer_filter_queryset_selects_the_customers(questionnaire, specialist):
    key = CustomerFactory(tier=Customer.Tier.KEY)
    CustomerFactory(tier=Customer.Tier.ORDINARY)
    batch = create(questionnaire, specialist, Customer.objects.filter(tier=Customer.Tier.KEY).select_related())
    assert [invitation.customer for invitation in batch.invitations.all()] == [key]


def test_a_large_selection_is_inserted_in_chunks_with_distinct_tokens(questionnaire, specialist):
    Customer.objects.bulk_create(
        Customer(name=f"C{number}", email=f"c{number}@example.com", consents_to_surveys=True)
        for number in range(distribution.INSERT_BATCH_SIZE + 5)
    )
    batch = create(questionnaire, specialist, Customer.objects.all())
    tokens = set(batch.invitations.values_list("token", flat=True))
    assert len(tokens) == distribution.INSERT_BATCH_SIZE + 5


def test_the_emails_are_sent_only_once_the_batch_is_committed(
    questionnaire, specialist, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        create(questionnaire, specialist, [CustomerFactory().pk])
    assert len(callbacks) == 1


@pytest.mark.parametrize("status", [Questionnaire.Status.DRAFT, Questionnaire.Status.IN_REVIEW])
def test_an_unapproved_questionnaire_cannot_be_sent(specialist, status):
    questionnaire = QuestionnaireFactory(status=status, plan__status=SurveyPlan.Status.APPROVED)
    with pytest.raises(BatchError, match="not approved"):
        create(questionnaire, specialist, [CustomerFactory().pk])
    assert not InvitationBatch.objects.exists()


@pytest.mark.parametrize("status", [SurveyPlan.Status.SUBMITTED, SurveyPlan.Status.COMPLETED])
def test_a_questionnaire_of_a_plan_not_under_way_cannot_be_sent(specialist, status):
    questionnaire = QuestionnaireFactory(status=Questionnaire.Status.APPROVED, plan__status=status)
    with pytest.raises(BatchError, match="plan"):
        create(questionnaire, specialist, [CustomerFactory().pk])


def test_only_the_fieldwork_staff_send_questionnaires(questionnaire, account_manager, general_manager):
    for person in (account_manager, general_manager):
        with pytest.raises(PermissionDenied):
            create(questionnaire, person, [CustomerFactory().pk])


def test_a_deadline_in_the_past_is_refused(questionnaire, supervisor):
    with pytest.raises(BatchError, match="deadline"):
        create(questionnaire, supervisor, [CustomerFactory().pk], deadline=timezone.now())


def test_a_selection_nobody_in_which_can_be_invited_makes_no_batch(questionnaire, director):
    with pytest.raises(BatchError, match="None of the 2"):
        create(questionnaire, director, [CustomerFactory(email="").pk, CustomerFactory(consents_to_surveys=False).pk])
    with pytest.raises(BatchError, match="No customer"):
        create(questionnaire, director, [])
    assert not InvitationBatch.objects.exists()


def test_the_audience_counts_match_what_the_batch_does(questionnaire, specialist):
    CustomerFactory()
    CustomerFactory()
    CustomerFactory(email="")
    CustomerFactory(consents_to_surveys=False)
    audience = selectors.audience(questionnaire, Customer.objects.all())
    assert (audience.selected, audience.invited, audience.skipped_total) == (4, 2, 2)
    batch = create(questionnaire, specialist, Customer.objects.all())
    assert batch.invitations.count() == audience.invited and len(batch.skipped) == audience.skipped_total


def test_retrying_the_failed_queues_them_again_and_sends_them(questionnaire, specialist, mailoutbox):
    batch = InvitationBatchFactory(questionnaire=questionnaire)
    failed = InvitationFactory(batch=batch, delivery=Delivery.FAILED, failed_at=timezone.now(), attempts=6)
    sent = InvitationFactory(batch=batch, delivery=Delivery.SENT, sent_at=timezone.now())

    assert distribution.retry_failed(batch_id=batch.pk, actor=specialist) == 1
    distribution.send_batch(batch_id=batch.pk)

    failed.refresh_from_db()
    assert failed.delivery == Delivery.SENT and failed.attempts == 1
    assert [message.to for message in mailoutbox] == [[failed.email]]
    sent.refresh_from_db()
    assert sent.delivery == Delivery.SENT


def test_the_failed_of_a_closed_batch_are_not_retried(questionnaire, specialist):
    batch = InvitationBatchFactory(questionnaire=questionnaire, deadline=timezone.now() - datetime.timedelta(hours=1))
    InvitationFactory(batch=batch, delivery=Delivery.FAILED)
    with pytest.raises(BatchError, match="deadline"):
        distribution.retry_failed(batch_id=batch.pk, actor=specialist)


def test_batch_progress_counts_every_state_and_the_response_rate(questionnaire):
    batch = InvitationBatchFactory(questionnaire=questionnaire)
    now = timezone.now()
    InvitationFactory(batch=batch)
    InvitationFactory(batch=batch, delivery=Delivery.SENDING)
    InvitationFactory(batch=batch, delivery=Delivery.FAILED)
    InvitationFactory(batch=batch, delivery=Delivery.SENT, opened_at=now)
    InvitationFactory(batch=batch, delivery=Delivery.SENT, opened_at=now, answered_at=now)
    progress = selectors.batch_progress(batch)
    assert (progress.total, progress.queued, progress.sending, progress.sent, progress.failed) == (5, 1, 1, 2, 1)
    assert (progress.opened, progress.answered) == (2, 1)
    assert progress.response_rate == Decimal("20.0")
    assert progress.is_active


def test_the_page_says_when_queued_emails_wait_for_the_queue(as_user, specialist, questionnaire):
    batch = InvitationBatchFactory(questionnaire=questionnaire)
    invitation = InvitationFactory(batch=batch)
    client = as_user(specialist)
    assert 'data-testid="waiting"' not in client.get(batch.get_absolute_url()).content.decode()
    Invitation.objects.filter(pk=invitation.pk).update(queued_at=timezone.now() - datetime.timedelta(minutes=5))
    assert 'data-testid="waiting"' in client.get(batch.get_absolute_url()).content.decode()


def test_an_empty_batch_has_no_response_rate(questionnaire):
    progress = selectors.batch_progress(InvitationBatchFactory(questionnaire=questionnaire))
    assert progress.response_rate is None and not progress.is_active


# --- pages -----------------------------------------------------------------------------------------------------


def test_every_batch_view_checks_a_role():
    unchecked = [pattern.name for pattern in batch_urls.urlpatterns if not hasattr(pattern.callback, "required_roles")]
    assert unchecked == []


def create_url(questionnaire):
    return reverse("surveys:batch-create", args=[questionnaire.pk])


def test_the_questionnaire_page_offers_sending_once_approved(as_user, specialist, general_manager, questionnaire):
    link = create_url(questionnaire)
    assert link in as_user(specialist).get(questionnaire.get_absolute_url()).content.decode()
    assert link not in as_user(general_manager).get(questionnaire.get_absolute_url()).content.decode()
    draft = QuestionnaireFactory(plan=questionnaire.plan)
    assert create_url(draft) not in as_user(specialist).get(draft.get_absolute_url()).content.decode()


def test_the_new_batch_page_proposes_texts_in_the_questionnaires_language(as_user, specialist, questionnaire):
    CustomerFactory()
    CustomerFactory(consents_to_surveys=False)
    page = as_user(specialist).get(create_url(questionnaire))
    content = page.content.decode()
    assert page.status_code == 200
    assert "Your opinion on Kettle survey" in content
    assert 'data-testid="audience"' in content and "<strong>1</strong> customer matching" in content
    assert "Has not consented to surveys: 1" in content


def test_the_live_count_follows_the_filters(as_user, specialist, questionnaire):
    CustomerFactory(tier=Customer.Tier.KEY)
    CustomerFactory(tier=Customer.Tier.KEY, email="")
    CustomerFactory(tier=Customer.Tier.ORDINARY)
    response = as_user(specialist).get(create_url(questionnaire), {"tier": "key"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert content.strip().startswith('<div id="audience"')
    assert "<strong>1</strong> customer matching" in content and "No e-mail address: 1" in content


def form_data(**filters):
    """The new batch form as a person fills it in, with customer filters such as tier="key"."""
    values = batch_values()
    return {
        "source": "filters",
        "name": values["name"],
        "deadline": timezone.localtime(values["deadline"]).strftime("%Y-%m-%dT%H:%M"),
        "incentive": "",
        "incentive_text": "",
        "email_subject": values["email_subject"],
        "email_message": values["email_message"],
        "reminder_days_before": 3,
        "max_reminders": 2,
        **filters,
    }


def test_sending_to_the_filtered_customers_creates_the_batch_and_shows_it(
    as_user, specialist, questionnaire, django_capture_on_commit_callbacks, mailoutbox
):
    key = CustomerFactory(tier=Customer.Tier.KEY)
    CustomerFactory(tier=Customer.Tier.KEY, consents_to_surveys=False, name="Private")
    CustomerFactory(tier=Customer.Tier.ORDINARY)
    client = as_user(specialist)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(create_url(questionnaire), form_data(tier="key"))

    batch = InvitationBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    assert [invitation.customer for invitation in batch.invitations.all()] == [key]
    assert [message.to for message in mailoutbox] == [[key.email]]
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "Private" in page and "Has not consented to surveys" in page


def test_sending_to_an_uploaded_list(as_user, specialist, questionnaire):
    by_email, by_number = CustomerFactory(email="Listed@Example.com"), CustomerFactory()
    CustomerFactory()
    upload = xlsx([["e-mail", "customer number"], ["listed@example.com", None], [None, by_number.pk]])
    response = as_user(specialist).post(create_url(questionnaire), {**form_data(), "source": "file", "file": upload})
    assert response.status_code == 302
    batch = InvitationBatch.objects.get()
    assert {invitation.customer for invitation in batch.invitations.all()} == {by_email, by_number}


def test_a_list_with_bad_rows_creates_nothing_and_names_each_row(as_user, specialist, questionnaire):
    CustomerFactory(email="known@example.com")
    upload = xlsx(
        [["e-mail"], ["known@example.com"], ["nobody@example.com"], ["not-an-address"], ["KNOWN@example.com"]]
    )
    response = as_user(specialist).post(create_url(questionnaire), {**form_data(), "source": "file", "file": upload})
    content = response.content.decode()
    assert response.status_code == 400
    assert "Row 3" in content and "nobody@example.com" in content
    assert "Row 4" in content and "Row 5" in content and "also on row 2" in content
    assert not InvitationBatch.objects.exists()


def test_a_file_that_is_not_a_workbook_is_explained(as_user, specialist, questionnaire):
    upload = SimpleUploadedFile("list.xlsx", b"not a workbook")
    response = as_user(specialist).post(create_url(questionnaire), {**form_data(), "source": "file", "file": upload})
    assert response.status_code == 400 and "not an Excel workbook" in response.content.decode()


def test_a_bad_form_keeps_the_page_and_creates_nothing(as_user, specialist, questionnaire):
    CustomerFactory()
    data = form_data()
    data["deadline"] = "2000-01-01T10:00"
    response = as_user(specialist).post(create_url(questionnaire), data)
    assert response.status_code == 400 and "The deadline must be in the future." in response.content.decode()
    assert not InvitationBatch.objects.exists()


def test_nobody_to_invite_is_explained_on_the_page(as_user, specialist, questionnaire):
    CustomerFactory(email="")
    response = as_user(specialist).post(create_url(questionnaire), form_data())
    assert response.status_code == 400 and "cannot be invited" in response.content.decode()


def test_the_page_of_an_unapproved_questionnaire_sends_back_with_the_reason(as_user, specialist):
    draft = QuestionnaireFactory(plan__status=SurveyPlan.Status.APPROVED)
    client = as_user(specialist)
    response = client.get(create_url(draft), follow=True)
    assert response.redirect_chain[-1][0] == draft.get_absolute_url()
    assert "only an approved questionnaire can be sent" in response.content.decode()
    assert client.post(create_url(draft), form_data()).status_code == 302
    assert not InvitationBatch.objects.exists()


@pytest.mark.parametrize(
    ("role", "can_read", "can_send"),
    [
        (Role.SPECIALIST, True, True),
        (Role.SUPERVISOR, True, True),
        (Role.DIRECTOR, True, True),
        (Role.GENERAL_MANAGER, True, False),
        (Role.COMMITTEE, True, False),
        (Role.ACCOUNT_MANAGER, False, False),
        (Role.OPS_SUPERVISOR, False, False),
    ],
)
def test_roles_per_page(as_user, persona, questionnaire, role, can_read, can_send):
    batch = InvitationBatchFactory(questionnaire=questionnaire)
    InvitationFactory(batch=batch, delivery=Delivery.FAILED)
    client = as_user(persona("someone", role))
    read, send = (200 if can_read else 403), (200 if can_send else 403)
    assert client.get(reverse("surveys:batch-list")).status_code == read
    assert client.get(batch.get_absolute_url()).status_code == read
    assert client.get(create_url(questionnaire)).status_code == send
    assert client.get(reverse("surveys:batch-list-template")).status_code == send
    retry = client.post(reverse("surveys:batch-retry-failed", args=[batch.pk]))
    assert retry.status_code == (302 if can_send else 403)


def test_anonymous_visitors_go_to_the_login_page(client, questionnaire):
    batch = InvitationBatchFactory(questionnaire=questionnaire)
    for url in (reverse("surveys:batch-list"), batch.get_absolute_url(), create_url(questionnaire)):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_progress_polls_while_sending_and_stops_when_done(as_user, specialist, questionnaire):
    batch = InvitationBatchFactory(questionnaire=questionnaire)
    invitation = InvitationFactory(batch=batch)
    client = as_user(specialist)

    page = client.get(batch.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 2s"' in page

    partial = client.get(batch.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert partial.content.decode().strip().startswith('<section id="batch-progress"')
    assert "HX-Refresh" not in partial

    Invitation.objects.filter(pk=invitation.pk).update(delivery=Delivery.SENT, sent_at=timezone.now())
    partial = client.get(batch.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' not in partial.content.decode()
    assert partial["HX-Refresh"] == "true"
    assert 'hx-trigger="every 2s"' not in client.get(batch.get_absolute_url()).content.decode()


def test_the_page_shows_failures_with_their_errors_and_retries_them(
    as_user, specialist, questionnaire, django_capture_on_commit_callbacks, mailoutbox
):
    batch = InvitationBatchFactory(questionnaire=questionnaire)
    failed = InvitationFactory(
        batch=batch, delivery=Delivery.FAILED, failed_at=timezone.now(), last_error="550 5.1.1 Mailbox unavailable"
    )
    client = as_user(specialist)
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "550 5.1.1 Mailbox unavailable" in page and "Retry the failed e-mails" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("surveys:batch-retry-failed", args=[batch.pk]), follow=True)

    assert "1 invitation queued again." in response.content.decode()
    failed.refresh_from_db()
    assert failed.delivery == Delivery.SENT
    assert [message.to for message in mailoutbox] == [[failed.email]]


def test_the_invitations_can_be_filtered(as_user, specialist, questionnaire):
    batch = InvitationBatchFactory(questionnaire=questionnaire)
    now = timezone.now()
    InvitationFactory(batch=batch, email="answered@example.com", delivery=Delivery.SENT, answered_at=now, opened_at=now)
    InvitationFactory(batch=batch, email="opened@example.com", delivery=Delivery.SENT, opened_at=now)
    InvitationFactory(batch=batch, email="failed@example.com", delivery=Delivery.FAILED)
    client = as_user(specialist)

    def shown(**params):
        content = client.get(batch.get_absolute_url(), params).content.decode()
        table = (
            content.split('data-testid="invitation-table"')[1] if 'data-testid="invitation-table"' in content else ""
        )
        return {address for address in ("answered", "opened", "failed") if f"{address}@example.com" in table}

    assert shown() == {"answered", "opened", "failed"}
    assert shown(delivery="failed") == {"failed"}
    assert shown(answered="true") == {"answered"}
    assert shown(answered="false") == {"opened", "failed"}
    assert shown(opened="true", answered="false") == {"opened"}


def make_batch_with(count: int, questionnaire) -> InvitationBatch:
    batch = InvitationBatchFactory(
        questionnaire=questionnaire,
        skipped=[{"customer": None, "name": f"S{n}", "email": "", "reason": "no_email"} for n in range(count)],
    )
    for number in range(count):
        InvitationFactory(
            batch=batch,
            delivery=Delivery.FAILED if number % 2 else Delivery.SENT,
            last_error="550 refused" if number % 2 else "",
        )
    return batch


def test_the_batch_page_query_count_stays_flat(as_user, specialist, questionnaire, django_assert_max_num_queries):
    client = as_user(specialist)
    small, large = make_batch_with(1, questionnaire), make_batch_with(30, questionnaire)
    client.get(small.get_absolute_url())
    with django_assert_max_num_queries(10):
        assert client.get(small.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(large.get_absolute_url()).status_code == 200


def test_the_batch_list_query_count_stays_flat(as_user, specialist, questionnaire, django_assert_max_num_queries):
    client = as_user(specialist)
    make_batch_with(1, questionnaire)
    with django_assert_max_num_queries(5):
        assert client.get(reverse("surveys:batch-list")).status_code == 200
    for _ in range(29):
        make_batch_with(2, questionnaire)
    with django_assert_max_num_queries(5):
        assert client.get(reverse("surveys:batch-list")).status_code == 200


def test_the_new_batch_page_query_count_stays_flat(as_user, specialist, questionnaire, django_assert_max_num_queries):
    client = as_user(specialist)
    make_batch_with(1, questionnaire)
    with django_assert_max_num_queries(8):
        assert client.get(create_url(questionnaire)).status_code == 200
    for _ in range(29):
        make_batch_with(1, questionnaire)
    with django_assert_max_num_queries(8):
        assert client.get(create_url(questionnaire)).status_code == 200


def test_the_list_can_show_one_questionnaires_batches(as_user, specialist, questionnaire):
    mine = InvitationBatchFactory(questionnaire=questionnaire, name="Mine")
    InvitationBatchFactory(name="Other")
    content = as_user(specialist).get(reverse("surveys:batch-list"), {"questionnaire": questionnaire.pk}).content
    assert mine.name in content.decode() and "Other" not in content.decode()


def test_the_example_list_downloads_as_a_workbook(as_user, specialist):
    response = as_user(specialist).get(reverse("surveys:batch-list-template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
