from celery import shared_task

from . import notifications, services


@shared_task
def notify_submitted_task(model_label: str, pk: int) -> int:
    return notifications.notify_submitted(model_label=model_label, pk=pk)


@shared_task
def notify_decided_task(model_label: str, pk: int) -> int:
    return notifications.notify_decided(model_label=model_label, pk=pk)


@shared_task
def build_export_task(export_id: int) -> int | None:
    return services.build_export(export_id=export_id).row_count


@shared_task
def sweep_exports_task() -> int:
    return services.sweep_exports()
