"""Celery tasks of the feedback app: each loads by id and calls one service; the rows record what was done."""

from celery import shared_task

from feedback.services import deadlines


@shared_task
def flag_sla_breaches_task() -> int:
    return deadlines.flag_sla_breaches()
