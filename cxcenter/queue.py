"""Putting work on the broker without ever losing it: the one function that hands a task over.

The database row is the source of truth (an outbox row, an invitation, an export knows whether it was done). When
the broker cannot be reached, enqueue() says so instead of raising: the caller's rows stay as they are and a
periodic sweep puts them on the queue once the broker is back. Tasks are named by their dotted path, so that a
service never imports the tasks module that imports it.
"""

import logging
from importlib import import_module

from kombu.exceptions import KombuError

logger = logging.getLogger(__name__)

# A web request that launches work must not hang while the broker is down: one quick connection attempt,
# then a short publish retry for a broker that drops the connection while the message goes out.
CONNECT_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "timeout": 2}
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


def enqueue(task_name: str, *args) -> bool:
    """Send the task `task_name` ("surveys.tasks.send_batch_task") with `args` to the broker; False (and a
    warning in the log) when the broker is unreachable.

    Without a broker (eager mode) the task runs here and now, and its own errors propagate.
    """
    from .celery import app

    import_module(task_name.rpartition(".")[0])  # registers the module's tasks; a dictionary look-up afterwards
    task = app.tasks[task_name]
    if app.conf.task_always_eager:
        task.apply_async(args)
        return True
    try:
        # A fresh connection reads the broker URL now, not when a pool was filled.
        with app.connection_for_write() as connection:
            connection.ensure_connection(**CONNECT_POLICY)
            task.apply_async(args, connection=connection, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except (KombuError, OSError) as error:
        logger.warning("Broker unreachable, %s left for the sweep: %s", task_name, error)
        return False
    return True
