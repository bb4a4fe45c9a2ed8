"""Celery tasks of the feedback app: each loads by id and calls one service; the rows record what was done."""

from celery import shared_task

from feedback.services import cases, improvements

CONFIRMATION_MAX_RETRIES = 5
CONFIRMATION_RETRY_BASE_SECONDS = 60


@shared_task
def flag_sla_breaches_task() -> int:
    return cases.flag_sla_breaches()


@shared_task
def notify_action_owner_task(action_id: int) -> int:
    return improvements.notify_action_owner(action_id=action_id)


@shared_task
def open_follow_up_case_task(response_id: int) -> int | None:
    case = cases.open_follow_up_case(response_id=response_id)
    return case.pk if case else None


@shared_task(bind=True, max_retries=CONFIRMATION_MAX_RETRIES)
def send_confirmation_request_task(self, case_id: int) -> bool:
    try:
        return cases.send_confirmation_request(case_id=case_id)
    except cases.MAIL_ERRORS as error:
        if self.request.is_eager:
            # Without a broker nothing would deliver a retry; the owner sees no "asked by e-mail" entry and phones.
            return False
        raise self.retry(countdown=CONFIRMATION_RETRY_BASE_SECONDS * 2**self.request.retries, exc=error) from error
