"""B2 invitations: 100,000 invitations created and queued, and e-mails delivered by one Celery worker.

Creation: the product's create_batch for 100,000 consenting customers (skip checks, tokens, bulk inserts, the
send task queued on Redis) against a raw bulk insert of the same rows (psycopg2 execute_values). Target: at
most 2 × the raw time. Delivery: one worker (one process) sends a batch to a local SMTP server (aiosmtpd);
target: at least 100 e-mails per second.
"""

import datetime
import os
import secrets
import socket
import subprocess
import time
from pathlib import Path

CUSTOMERS = int(os.environ.get("B2_INVITATIONS", "100000"))
DELIVERIES = int(os.environ.get("B2_DELIVERIES", "3000"))
ROOT = Path(__file__).resolve().parent.parent


def run(table) -> None:
    from bench import data
    from cxcenter.models import Customer

    questionnaire = data.twenty_question_questionnaire("bench B2")
    Customer.objects.bulk_create(
        (
            Customer(name=f"B2 {n}", email=f"b2-{n}@bench.example.com", consents_to_surveys=True)
            for n in range(CUSTOMERS)
        ),
        batch_size=5000,
    )
    customers = Customer.objects.filter(email__startswith="b2-")
    settle()
    raw_seconds = raw_insert(questionnaire, list(customers.values_list("pk", "email")))
    settle()
    product_seconds = product_batch(questionnaire, customers)
    ratio = product_seconds / raw_seconds
    table.add("B2", "raw bulk insert of the invitations", raw_seconds, "s", note=f"{CUSTOMERS:,} rows")
    table.add("B2", "create_batch: invitations created and queued", product_seconds, "s")
    table.add("B2", "create_batch ÷ raw insert time", ratio, "×", target="≤ 2.00", met=ratio <= 2)
    rate = delivery_rate()
    table.add(
        "B2",
        "e-mails delivered by one worker",
        rate,
        "mail/s",
        target="≥ 100",
        met=rate >= 100,
        note=f"{DELIVERIES:,} e-mails, local SMTP",
    )


def settle() -> None:
    """Start each measure alike: the invitations table without the dead rows of the raw insert, and no dirty
    pages left for the measure to write out."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE surveys_invitation")
        cursor.execute("CHECKPOINT")


def raw_insert(questionnaire, customers) -> float:
    """The same invitation rows written by psycopg2 execute_values in one transaction, then deleted."""
    from django.db import connection, transaction
    from django.utils import timezone
    from psycopg2.extras import execute_values

    from surveys.models import InvitationBatch

    batch = InvitationBatch.objects.create(
        questionnaire=questionnaire,
        name="raw",
        deadline=timezone.now() + datetime.timedelta(days=7),
        email_subject="raw",
        email_message="raw",
        created_by=questionnaire.created_by,
    )
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        execute_values(
            cursor.cursor,
            "INSERT INTO surveys_invitation (batch_id, customer_id, email, token, delivery, queued_at, attempts, "
            "last_error, reminders_sent) VALUES %s",
            ((batch.pk, pk, email, secrets.token_urlsafe(32), "queued", now, 0, "", 0) for pk, email in customers),
            page_size=5000,
        )
    seconds = time.perf_counter() - started
    batch.invitations.all().delete()
    batch.delete()
    return seconds


def product_batch(questionnaire, customers) -> float:
    from django.utils import timezone

    from cxcenter.models import User
    from surveys.services.distribution import create_batch

    actor = User.objects.get(username="bench")
    actor.is_superuser = True
    actor.save()
    started = time.perf_counter()
    create_batch(
        questionnaire_id=questionnaire.pk,
        actor=actor,
        customers=customers,
        name="B2",
        deadline=timezone.now() + datetime.timedelta(days=14),
        email_subject="邀请您参与调研",
        email_message="感谢您的支持。",
    )
    return time.perf_counter() - started


def delivery_rate() -> float:
    """E-mails per second one worker process delivers to a local SMTP server."""
    from aiosmtpd.controller import Controller
    from django.utils import timezone

    from cxcenter.models import Customer, User
    from surveys.models import Invitation, Questionnaire
    from surveys.services.distribution import create_batch

    class Counting:
        def __init__(self):
            self.times = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            self.times.append(time.perf_counter())
            return "250 OK"

    handler = Counting()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    questionnaire = Questionnaire.objects.get(title="bench B2")
    Customer.objects.bulk_create(
        Customer(name=f"B2 mail {n}", email=f"b2-mail-{n}@bench.example.com", consents_to_surveys=True)
        for n in range(DELIVERIES)
    )
    # The 100,000-invitation batch above queued its send task too: only this batch's e-mails are timed.
    subprocess.run(["redis-cli", "-u", os.environ["REDIS_URL"], "flushdb"], check=True, stdout=subprocess.DEVNULL)
    env = {**os.environ, "EMAIL_URL": f"smtp://127.0.0.1:{port}"}
    worker = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/celery"),
            "-A",
            "cxcenter",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        time.sleep(3)
        batch = create_batch(
            questionnaire_id=questionnaire.pk,
            actor=User.objects.get(username="bench"),
            customers=Customer.objects.filter(email__startswith="b2-mail-"),
            name="B2 delivery",
            deadline=timezone.now() + datetime.timedelta(days=14),
            email_subject="邀请您参与调研",
            email_message="感谢您的支持。",
        )
        deadline = time.monotonic() + 300
        while len(handler.times) < DELIVERIES and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        controller.stop()
    sent = Invitation.objects.filter(batch=batch, delivery=Invitation.Delivery.SENT).count()
    if len(handler.times) < 2:
        return 0.0
    return (len(handler.times) - 1) / (handler.times[-1] - handler.times[0]) if sent else 0.0
