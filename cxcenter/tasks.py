from celery import shared_task

from . import outbox, services


@shared_task
def deliver_outbox_task(ids: list[int]) -> int:
    return outbox.deliver(ids=ids)


@shared_task
def sweep_outbox_task() -> int:
    return outbox.sweep()


@shared_task
def build_export_task(export_id: int) -> int | None:
    return services.build_export(export_id=export_id).row_count


@shared_task
def sweep_exports_task() -> int:
    return services.sweep_exports()
