"""Celery tasks of the surveys app: each loads by id and calls one service; the rows record what was done."""

from celery import shared_task

from surveys.services import distribution

SEND_MAX_RETRIES = 5  # with the first try: distribution.MAX_ATTEMPTS
SEND_RETRY_BASE_SECONDS = 30  # then 60, 120, 240, 480: all shorter than the sweep's ten minutes


@shared_task
def send_batch_task(batch_id: int) -> int:
    return distribution.send_batch(batch_id=batch_id)


@shared_task(bind=True, max_retries=SEND_MAX_RETRIES)
def send_invitations_task(self, invitation_ids: list[int]) -> int:
    try:
        return distribution.send_invitations(
            invitation_ids=invitation_ids, last_attempt=self.request.retries >= self.max_retries
        )
    except distribution.TemporaryDeliveryError as error:
        if self.request.is_eager:
            # Without a broker (make run, tests) nothing would ever deliver a retry: it follows here, at once.
            return send_invitations_task.apply(args=(error.invitation_ids,), retries=self.request.retries + 1).result
        # Only the ids still to send go round again; a lost retry message leaves them queued for the sweep.
        raise self.retry(
            args=(error.invitation_ids,), countdown=SEND_RETRY_BASE_SECONDS * 2**self.request.retries, exc=error
        ) from error


@shared_task
def requeue_stale_invitations_task() -> int:
    return distribution.requeue_stale_invitations()


@shared_task
def send_reminders_task() -> int:
    return distribution.send_due_reminders()
