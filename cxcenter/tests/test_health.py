import pytest
from django.urls import reverse

from cxcenter.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_health_reports_the_database_and_an_absent_broker_when_tasks_run_eagerly(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "absent"}


def test_health_reports_an_unreachable_broker_without_failing(client, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["broker"].startswith("unreachable")


def test_health_reports_a_running_broker(client, settings, monkeypatch):
    import os

    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("no REDIS_URL: the broker is only checked where one runs (CI sets it)")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(celery_app.conf, "broker_url", redis_url)
    assert client.get(reverse("healthz")).json()["broker"] == "ok"
