"""B1 survey submissions: a 20-question survey answered through gunicorn vs a bare one-row insert.

Both run on the same gunicorn (2 sync workers) under the same wrk load on loopback, in alternating rounds so
that a machine slowing down or speeding up meanwhile weighs on both alike. Target: the survey's throughput is at
least half the bare view's; the 95th percentile latency (of the slowest round) is reported.
"""

import json
import os
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
PORT = 8099
DURATION = int(os.environ.get("B1_SECONDS", "40"))  # per view, split into ROUNDS
ROUNDS = 8
CONNECTIONS, THREADS = 8, 2
INVITATIONS = 60_000
CSRF_SECRET = "benchcsrfsecret0123456789abcdefg"  # 32 characters: Django accepts it unmasked


def run(table) -> None:
    from django.db import connection

    from bench.environment import require

    wrk = require("wrk", "wrk")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_row (id bigserial PRIMARY KEY, created_at timestamptz, payload text)"
        )
    questionnaire, tokens = survey_with_invitations()
    body = survey_body(questionnaire)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        # Each round answers links of its own: a link answered once only shows the "already answered" page.
        paths = survey_paths(questionnaire, tokens)
        share = len(paths) // ROUNDS
        for number in range(ROUNDS):
            (folder / f"survey_paths_{number}").write_text("\n".join(paths[number * share : (number + 1) * share]))
        (folder / "survey_body").write_text(body)
        (folder / "bare_paths").write_text("/bench/bare/\n")
        (folder / "bare_body").write_text(
            urllib.parse.urlencode({"csrfmiddlewaretoken": CSRF_SECRET, "payload": "x" * 200})
        )
        bare_rounds, survey_rounds, stored = [], [], 0
        with gunicorn():
            warm_up(wrk, folder)
            for number in range(ROUNDS):
                bare_rounds.append(load(wrk, folder / "bare_paths", folder / "bare_body", DURATION // ROUNDS))
                stored_before = response_count()
                survey_paths_file = folder / f"survey_paths_{number}"
                survey_rounds.append(load(wrk, survey_paths_file, folder / "survey_body", DURATION // ROUNDS))
                stored += response_count() - stored_before
    bare, survey = combined(bare_rounds), combined(survey_rounds)
    bare_rate = bare["requests"] / bare["seconds"]
    survey_rate = stored / survey["seconds"]
    ratio = survey_rate / bare_rate
    table.add("B1", "bare insert view", bare_rate, "req/s", note=f"p95 {bare['p95_ms']:.1f} ms")
    table.add("B1", "survey submissions stored", survey_rate, "resp/s", note=f"p95 {survey['p95_ms']:.1f} ms")
    table.add("B1", "survey ÷ bare throughput", ratio, "×", target="≥ 0.50", met=ratio >= 0.5)
    table.add("B1", "survey p95 latency", survey["p95_ms"], "ms", note=f"{CONNECTIONS} connections")
    if survey["non2xx"] or survey["errors"]:
        table.add("B1", "survey requests not 2xx/3xx", survey["non2xx"] + survey["errors"], "", met=False)


def combined(rounds: list[dict]) -> dict:
    """The rounds of one view as one run: counts and durations added, the slowest round's p95."""
    return {
        "requests": sum(r["requests"] for r in rounds),
        "seconds": sum(r["seconds"] for r in rounds),
        "p95_ms": max(r["p95_ms"] for r in rounds),
        "errors": sum(r["errors"] for r in rounds),
        "non2xx": sum(r["non2xx"] for r in rounds),
    }


def survey_with_invitations():
    """An approved 20-question questionnaire and INVITATIONS links to it."""
    from bench import data

    questionnaire = data.twenty_question_questionnaire("bench B1")
    return questionnaire, data.invitations(questionnaire, INVITATIONS)


def survey_paths(questionnaire, tokens) -> list[str]:
    """Each link with the stamp its survey page puts in the form, as a customer's browser would post it."""
    from surveys.views.public import form_stamp

    def stamp(token):
        return urllib.parse.quote(form_stamp(token, questionnaire.pk, questionnaire.language))

    return [f"/s/{token}/\t{stamp(token)}" for token in tokens]


def survey_body(questionnaire) -> str:
    from surveys.models import Question

    fields = [("csrfmiddlewaretoken", CSRF_SECRET)]
    for question in Question.objects.filter(section__questionnaire=questionnaire).prefetch_related("choices"):
        name = f"q-{question.pk}"
        choices = [str(choice.pk) for choice in question.choices.all()]
        if question.kind == Question.Kind.RATING:
            fields.append((name, "2"))
        elif question.kind == Question.Kind.SINGLE:
            fields.append((name, choices[0]))
        elif question.kind == Question.Kind.MULTIPLE:
            fields += [(name, choices[0]), (name, choices[2])]
        elif question.kind == Question.Kind.NUMBER:
            fields.append((name, "3"))
        elif question.kind == Question.Kind.RECOMMEND:
            fields.append((name, "9"))
        else:
            fields.append((name, "产品整体不错，希望售后响应更快一些。"))
    return urllib.parse.urlencode(fields)


class gunicorn:  # noqa: N801 - used as a context manager, like open()
    """gunicorn with 2 sync workers serving the product plus the bare view."""

    def __enter__(self):
        env = {**os.environ, "ROOT_URLCONF": "bench.urls"}
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "cxcenter.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{PORT}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        for _attempt in range(100):
            if subprocess.run(["curl", "-s", "-o", "/dev/null", f"http://127.0.0.1:{PORT}/healthz"]).returncode == 0:
                return self
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)


def warm_up(wrk, folder) -> None:
    load(wrk, folder / "bare_paths", folder / "bare_body", seconds=3)


def load(wrk, paths, body, seconds: int = DURATION) -> dict:
    env = {
        **os.environ,
        "PATHS_FILE": str(paths),
        "BODY_FILE": str(body),
        "CSRF_SECRET": CSRF_SECRET,
        "THREADS": str(THREADS),
    }
    result = subprocess.run(
        [
            wrk,
            f"-t{THREADS}",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(BENCH_DIR / "wrk_post.lua"),
            f"http://127.0.0.1:{PORT}",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def response_count() -> int:
    from surveys.models import Response

    return Response.objects.count()
