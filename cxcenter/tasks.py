from celery import shared_task

from . import notifications


@shared_task
def notify_submitted_task(model_label: str, pk: int) -> int:
    return notifications.notify_submitted(model_label=model_label, pk=pk)


@shared_task
def notify_decided_task(model_label: str, pk: int) -> int:
    return notifications.notify_decided(model_label=model_label, pk=pk)
