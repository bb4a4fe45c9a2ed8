"""Test support for background work: a real SMTP server, a real (or unreachable) broker, a worker's hands.

Fixtures: `smtp_server` (cxcenter.tests.mail_server, Django's mail pointed at it), `broker` (point the Celery
app at a broker URL for one test, eager mode off) and `sweep` (the outbox's beat sweep, some time later, with
what it hands over run as a worker would). drain_queue() takes the task messages off a real broker and runs them.
"""

import datetime
import os
import uuid

import pytest
import redis
from django.db.models import F
from kombu import Connection

from cxcenter import outbox
from cxcenter.celery import app as celery_app
from cxcenter.models import OutboxMessage
from cxcenter.tests.mail_server import running_mail_server

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"
# The broker the tests deliver through: Redis where the suite runs with it (make test starts one), else kombu's
# in-process transport.
LIVE_BROKER = os.environ.get("REDIS_URL") or "memory://"


@pytest.fixture
def smtp_server(settings):
    with running_mail_server(settings) as server:
        yield server


@pytest.fixture
def broker():
    """Point the Celery app at a real broker URL for one test (no eager mode), then put everything back.

    The test's messages carry a key prefix of their own, so parallel runs sharing a Redis never take each
    other's messages.
    """
    conf = celery_app.conf
    previous = conf.broker_url, conf.broker_transport_options
    prefix = f"test-{uuid.uuid4().hex}:"

    class Switch:
        def point_at(self, url):
            conf.task_always_eager = False
            conf.broker_url = url
            conf.broker_transport_options = {**previous[1], "global_keyprefix": prefix}
            forget_pooled_connections()

    yield Switch()
    if LIVE_BROKER.startswith("redis://"):
        client = redis.Redis.from_url(LIVE_BROKER)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
    conf.broker_url, conf.broker_transport_options = previous
    forget_pooled_connections()


def forget_pooled_connections():
    """Celery keeps publishing connections (used by Task.retry) in pools built for the broker first seen."""
    celery_app._after_fork()


def drain_queue(url: str) -> int:
    """Act as a worker: take each task message off the real broker and run it here, until the queue is empty."""
    done = 0
    with Connection(url, transport_options=celery_app.conf.broker_transport_options) as broker_connection:
        queue = broker_connection.SimpleQueue("celery")
        try:
            while True:
                try:
                    message = queue.get(timeout=0.3)
                except queue.Empty:
                    return done
                args, kwargs, _embed = message.decode()
                celery_app.tasks[message.headers["task"]].apply(args=args, kwargs=kwargs)
                message.ack()
                done += 1
        finally:
            queue.close()


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """sweep(later=timedelta) → the outbox sweep run that much later, what it hands over delivered at once."""

    def run(later=datetime.timedelta(0)):
        OutboxMessage.objects.update(next_attempt_at=F("next_attempt_at") - later)
        with django_capture_on_commit_callbacks(execute=True):
            return outbox.sweep()

    return run
