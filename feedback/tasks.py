"""Celery tasks of the feedback app: each loads by id and calls one service; the rows record what was done."""

from celery import shared_task

from feedback.services import cases


@shared_task
def flag_sla_breaches_task() -> int:
    return cases.flag_sla_breaches()
