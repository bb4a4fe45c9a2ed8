"""Feedback cases: intake, ownership, handling, closure with the customer, the list and its export."""

import datetime
from io import BytesIO

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cxcenter import outbox
from cxcenter.models import ExportFile, OutboxMessage, Role, TimelineEntry
from cxcenter.tests.factories import CustomerFactory, DepartmentFactory
from feedback.models import Case, Referral
from feedback.services import cases as services
from feedback.services import closure
from feedback.services.cases import CaseError
from feedback.tests.factories import CaseFactory


@pytest.fixture
def service_specialist(persona):
    return persona("service", Role.SERVICE_SPECIALIST)


def record(actor, **fields):
    defaults = {
        "kind": Case.Kind.COMPLAINT,
        "channel": Case.Channel.PHONE,
        "severity": Case.Severity.HIGH,
        "subject": "Heater too slow",
        "description": "The heater takes 20 minutes to warm the room.",
        "customer": CustomerFactory(),
    }
    return services.record_case(actor=actor, **{**defaults, **fields})


def handle(case, actor, **fields):
    values = {
        "department": DepartmentFactory(),
        "cause_category": Case.CauseCategory.PRODUCT,
        "cause": "A faulty batch of heating elements.",
        "countermeasure": "Replace the element; inspect the batch.",
        "resolution": "We replaced the heating element on 3 May.",
        **fields,
    }
    return services.record_handling(case_id=case.pk, actor=actor, **values)


def to_awaiting_customer(case, actor):
    services.acknowledge_case(case_id=case.pk, actor=actor)
    services.start_investigation(case_id=case.pk, actor=actor)
    handle(case, actor)
    with committed():
        return closure.send_resolution(case_id=case.pk, actor=actor)


def committed():
    """Run what waits for the commit (e-mails, tasks) when the block ends, as the real commit would."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def test_recorder_owns_the_case_with_deadlines_from_the_severity(specialist, settings):
    settings.CX_CASE_SLA_HOURS = {**settings.CX_CASE_SLA_HOURS, "high": (4, 72)}
    case = record(specialist)
    assert case.owner == specialist and case.created_by == specialist
    assert case.status == Case.Status.NEW
    assert case.response_due_at - case.received_at == datetime.timedelta(hours=4)
    assert case.resolution_due_at - case.received_at == datetime.timedelta(hours=72)
    assert TimelineEntry.objects.filter(object_id=case.pk, action=TimelineEntry.Action.CREATED).exists()


def test_a_case_needs_a_customer_or_a_way_to_reach_them(specialist):
    with pytest.raises(CaseError):
        record(specialist, customer=None)
    case = record(specialist, customer=None, contact_name="Mr Li", contact_phone="13900000000")
    assert case.contact_phone == "13900000000"


def test_account_manager_records_feedback_for_own_customers_only(account_manager):
    with pytest.raises(PermissionDenied):
        record(account_manager, customer=CustomerFactory())
    case = record(account_manager, customer=CustomerFactory(account_manager=account_manager))
    assert case.owner == account_manager


def test_states_move_through_transition_with_the_timeline(specialist):
    case = record(specialist)
    services.acknowledge_case(case_id=case.pk, actor=specialist)
    services.start_investigation(case_id=case.pk, actor=specialist)
    services.start_action(case_id=case.pk, actor=specialist)
    case.refresh_from_db()
    assert case.status == Case.Status.ACTION
    assert case.acknowledged_at is not None
    moves = list(
        TimelineEntry.objects.filter(object_id=case.pk, action=TimelineEntry.Action.TRANSITION)
        .order_by("created_at", "pk")
        .values_list("to_status", flat=True)
    )
    assert moves == ["acknowledged", "investigating", "action"]


def test_someone_else_cannot_change_the_case(specialist, persona):
    case = record(specialist)
    other = persona("other", Role.SPECIALIST)
    with pytest.raises(PermissionDenied):
        services.acknowledge_case(case_id=case.pk, actor=other)


def test_someone_else_gets_403_from_the_page(as_user, specialist, persona):
    case = record(specialist)
    other = persona("other", Role.SPECIALIST)
    response = as_user(other).post(reverse("feedback:case-acknowledge", args=[case.pk]))
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == Case.Status.NEW


def test_supervisor_may_change_any_case(specialist, supervisor):
    case = record(specialist)
    services.acknowledge_case(case_id=case.pk, actor=supervisor)
    handle(case, supervisor)
    case.refresh_from_db()
    assert case.status == Case.Status.ACKNOWLEDGED and case.cause


def test_own_cases_only_roles_get_404_for_other_cases(as_user, specialist, account_manager):
    case = record(specialist)
    assert as_user(account_manager).get(case.get_absolute_url()).status_code == 404
    mine = record(specialist, customer=CustomerFactory(account_manager=account_manager))
    assert as_user(account_manager).get(mine.get_absolute_url()).status_code == 200


def test_general_manager_reads_but_cannot_act(as_user, specialist, general_manager):
    case = record(specialist)
    client = as_user(general_manager)
    assert client.get(case.get_absolute_url()).status_code == 200
    assert client.post(reverse("feedback:case-acknowledge", args=[case.pk])).status_code == 403


def test_closing_a_complaint_requires_cause_and_countermeasure(specialist):
    case = record(specialist)
    services.acknowledge_case(case_id=case.pk, actor=specialist)
    services.start_investigation(case_id=case.pk, actor=specialist)
    handle(case, specialist, cause="", countermeasure="")
    with pytest.raises(CaseError, match="cause analysis, the countermeasures"):
        closure.send_resolution(case_id=case.pk, actor=specialist)
    case.refresh_from_db()
    assert case.status == Case.Status.INVESTIGATING


def test_send_resolution_without_cause_shows_the_reason_with_400(as_user, specialist):
    case = record(specialist)
    services.acknowledge_case(case_id=case.pk, actor=specialist)
    services.start_investigation(case_id=case.pk, actor=specialist)
    response = as_user(specialist).post(reverse("feedback:case-send-resolution", args=[case.pk]))
    assert response.status_code == 400
    assert "record the cause analysis" in response.content.decode()


def test_sending_the_resolution_emails_the_customer_a_link(specialist):
    customer = CustomerFactory(email="li.lei@example.com")
    case = to_awaiting_customer(record(specialist, customer=customer), specialist)
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_CUSTOMER
    assert case.resolved_at is not None and case.confirmation_sent_at is not None
    [message] = mail.outbox
    assert message.to == ["li.lei@example.com"]
    assert f"/c/{case.confirmation_token}/" in message.body
    assert "replaced the heating element" in message.body


@pytest.mark.parametrize(
    "language, words", [("en", "are you satisfied with the result?"), ("zh-hans", "您对处理结果满意吗")]
)
def test_the_confirmation_email_speaks_the_customers_language(specialist, language, words):
    customer = CustomerFactory(email="li.lei@example.com")
    to_awaiting_customer(record(specialist, customer=customer, language=language), specialist)
    [message] = mail.outbox
    assert words in message.subject


def test_the_confirmation_email_is_sent_once(specialist):
    case = to_awaiting_customer(record(specialist), specialist)
    [row] = OutboxMessage.objects.filter(template=closure.CONFIRMATION_EMAIL, object_id=case.pk)
    assert outbox.deliver(ids=[row.pk]) == 0  # handed over again: claimed and sent already
    assert len(mail.outbox) == 1


def test_satisfied_customer_closes_the_case(specialist):
    case = to_awaiting_customer(record(specialist), specialist)
    case.refresh_from_db()
    closed = closure.confirm_resolution(token=case.confirmation_token, satisfaction=4, comment="Thanks")
    assert closed.status == Case.Status.CLOSED and closed.closed_at is not None
    assert closed.customer_satisfaction == 4
    with pytest.raises(closure.ConfirmationClosed):
        closure.confirm_resolution(token=case.confirmation_token, satisfaction=5)


def test_not_satisfied_reopens_and_tells_the_owner(specialist):
    specialist.preferred_language = "en"
    specialist.save(update_fields=["preferred_language"])
    case = to_awaiting_customer(record(specialist), specialist)
    case.refresh_from_db()
    old_token = case.confirmation_token
    mail.outbox.clear()
    with committed():
        reopened = closure.confirm_resolution(token=old_token, satisfaction=2, comment="Still slow")
    reopened.refresh_from_db()
    assert reopened.status == Case.Status.INVESTIGATING
    assert reopened.reopened_count == 1
    assert reopened.confirmation_token != old_token and reopened.resolved_at is None
    [message] = mail.outbox
    assert message.to == [specialist.email]
    assert "not satisfied" in message.subject
    entry = TimelineEntry.objects.filter(object_id=case.pk, to_status=Case.Status.INVESTIGATING).first()
    assert "Still slow" in entry.comment


def test_without_email_the_owner_records_the_phone_answer(specialist):
    case = to_awaiting_customer(record(specialist, customer=CustomerFactory(email="")), specialist)
    assert mail.outbox == []
    closed = closure.record_phone_confirmation(case_id=case.pk, actor=specialist, satisfaction=5, comment="OK")
    assert closed.status == Case.Status.CLOSED
    assert closed.confirmed_by_phone_by == specialist


def test_praise_closes_without_asking_but_a_complaint_does_not(specialist):
    praise = record(specialist, kind=Case.Kind.PRAISE)
    services.acknowledge_case(case_id=praise.pk, actor=specialist)
    services.start_investigation(case_id=praise.pk, actor=specialist)
    services.record_handling(
        case_id=praise.pk,
        actor=specialist,
        department=None,
        cause_category="",
        cause="",
        countermeasure="",
        resolution="Thanked the customer.",
    )
    assert closure.close_without_confirmation(case_id=praise.pk, actor=specialist).status == Case.Status.CLOSED
    complaint = record(specialist)
    with pytest.raises(CaseError):
        closure.close_without_confirmation(case_id=complaint.pk, actor=specialist)


def test_referral_with_reply_and_improvement_status(specialist):
    case = record(specialist)
    department = DepartmentFactory(name="Quality")
    referral = services.refer_case(case_id=case.pk, actor=specialist, department=department, note="Check batch 7")
    services.record_referral_reply(
        referral_id=referral.pk, actor=specialist, reply="Batch 7 recalled", improvement_status="in_progress"
    )
    referral.refresh_from_db()
    assert referral.reply == "Batch 7 recalled" and referral.replied_at is not None
    assert referral.improvement_status == Referral.ImprovementStatus.IN_PROGRESS


def test_a_new_web_case_is_taken_by_a_recorder(specialist, supervisor):
    case = services.submit_public_case(
        kind="complaint", subject="Late", description="Late delivery", contact_name="Wang", contact_phone="139"
    )
    assert case.owner == supervisor and case.channel == Case.Channel.WEB
    taken = services.take_case(case_id=case.pk, actor=specialist)
    assert taken.owner == specialist and taken.status == Case.Status.ACKNOWLEDGED
    with pytest.raises(CaseError):
        services.take_case(case_id=case.pk, actor=supervisor)


def test_hand_over_only_through_a_supervisor(specialist, supervisor, persona):
    case = record(specialist)
    colleague = persona("colleague", Role.SPECIALIST)
    with pytest.raises(PermissionDenied):
        services.hand_over_case(case_id=case.pk, actor=specialist, new_owner=colleague)
    services.hand_over_case(case_id=case.pk, actor=supervisor, new_owner=colleague)
    case.refresh_from_db()
    assert case.owner == colleague


def test_record_case_page(as_user, specialist):
    customer = CustomerFactory(name="Zhao Lei")
    response = as_user(specialist).post(
        reverse("feedback:case-create"),
        {
            "kind": "complaint",
            "channel": "phone",
            "severity": "high",
            "subject": "Noisy fan",
            "description": "The fan is loud.",
            "customer": customer.pk,
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    case = Case.objects.get(subject="Noisy fan")
    assert response.status_code == 302 and response.url == case.get_absolute_url()
    page = as_user(specialist).get(case.get_absolute_url()).content.decode()
    assert "Respond within 4 h (calendar hours)" in page
    assert 'data-testid="sla-clock"' in page


def test_record_case_page_refuses_bad_input_with_400(as_user, specialist):
    response = as_user(specialist).post(
        reverse("feedback:case-create"), {"kind": "complaint", "channel": "nonsense", "subject": ""}
    )
    assert response.status_code == 400
    assert Case.objects.count() == 0


def test_breached_deadline_shows_red_on_the_page(as_user, specialist):
    past = timezone.now() - datetime.timedelta(hours=30)
    case = CaseFactory(owner=specialist, received_at=past)
    page = as_user(specialist).get(case.get_absolute_url()).content.decode()
    assert "Overdue by" in page and "list-group-item-danger" in page


@pytest.mark.parametrize("rows", [1, 30])
def test_case_list_query_count_is_flat(as_user, supervisor, rows, django_assert_max_num_queries):
    CaseFactory.create_batch(rows, department=DepartmentFactory())
    client = as_user(supervisor)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("feedback:case-list"))
    assert response.status_code == 200
    with django_assert_max_num_queries(9):
        client.post(reverse("feedback:case-export"))


def test_case_list_filters_and_export(as_user, supervisor):
    late = CaseFactory(subject="=HYPERLINK(1)", received_at=timezone.now() - datetime.timedelta(days=10))
    CaseFactory(subject="Fine", kind=Case.Kind.PRAISE)
    client = as_user(supervisor)
    page = client.get(reverse("feedback:case-list"), {"overdue": "true"}).content.decode()
    assert late.number in page and "Fine" not in page
    assert "Fine" in client.get(reverse("feedback:case-list"), {"kind": "praise"}).content.decode()
    assert late.number in client.get(reverse("feedback:case-list"), {"q": late.number}).content.decode()
    response = client.post(f"{reverse('feedback:case-export')}?overdue=true")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == late.number
    assert rows[1][6] == "'=HYPERLINK(1)"


def test_a_large_case_export_is_built_by_a_task_with_the_filters_and_the_readers_view(
    as_user, persona, settings, django_capture_on_commit_callbacks
):
    settings.CX_EXPORT_DIRECT_MAX_ROWS = 1
    account_manager = persona("account_manager_two", Role.ACCOUNT_MANAGER)
    mine = CaseFactory.create_batch(2, owner=account_manager, kind=Case.Kind.COMPLAINT)
    CaseFactory(owner=account_manager, kind=Case.Kind.PRAISE)
    CaseFactory(kind=Case.Kind.COMPLAINT)  # someone else's: an account manager does not see it
    client = as_user(account_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{reverse('feedback:case-export')}?kind=complaint")
    export = ExportFile.objects.get()
    assert response["Location"] == reverse("export-detail", args=[export.pk])
    page = client.get(response["Location"]).content.decode()
    assert reverse("feedback:case-list") in page and reverse("export-download", args=[export.pk]) in page
    download = client.get(reverse("export-download", args=[export.pk]))
    rows = list(load_workbook(BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True))
    assert sorted(row[0] for row in rows[1:]) == sorted(case.number for case in mine)


def test_case_list_bad_filter_is_not_a_500(as_user, supervisor):
    response = as_user(supervisor).get(reverse("feedback:case-list"), {"received_from": "yesterday", "owner": "x"})
    assert response.status_code == 200
