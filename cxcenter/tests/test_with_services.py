"""scripts/with_services.py: the database (and Redis) that `make run` and `make test` provide themselves."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
import pytest

from scripts.with_services import connect_to_server

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "with_services.py"
# What a command run under the script sees of its database: one query through DATABASE_URL.
QUERY = (
    "import os, environ, psycopg2; c = environ.Env.db_url_config(os.environ['DATABASE_URL']); "
    "db = psycopg2.connect(dbname=c['NAME'], user=c['USER'], **c.get('OPTIONS', {})); cur = db.cursor(); "
    "cur.execute('SELECT current_database(), version()'); print(*cur.fetchone(), flush=True)"
)


@pytest.fixture(scope="module")
def pgdata(tmp_path_factory):
    """One embedded data folder for the module: creating one costs a few seconds."""
    return tmp_path_factory.mktemp("embedded") / "pgdata"


def without_services():
    return {name: value for name, value in os.environ.items() if name not in ("DATABASE_URL", "REDIS_URL")}


def with_services(*arguments, pgdata=None, env=None, **popen):
    """Start the script on `command`; its own process group, so that a test can kill it and its command."""
    options = ["--pgdata", str(pgdata)] if pgdata else []
    return subprocess.Popen(
        [sys.executable, str(SCRIPT), *options, *arguments],
        env=env or without_services(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        **popen,
    )


def finish(process, timeout=60):
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def server_running(pgdata) -> bool:
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return False
    try:
        os.kill(int(pid_file.read_text().split()[0]), 0)
    except ProcessLookupError:
        return False
    return True


def wait_for_line(process) -> str:
    line = process.stdout.readline()
    while line.startswith("Creating "):
        line = process.stdout.readline()
    return line


def test_the_embedded_server_is_made_shared_and_stopped_by_the_last_command(pgdata, tmp_path):
    go_on = tmp_path / "go-on"
    first = with_services(
        "--",
        sys.executable,
        "-c",
        f"{QUERY}; import os, time\nwhile not os.path.exists({str(go_on)!r}): time.sleep(0.1)",
        pgdata=pgdata,
    )
    assert wait_for_line(first).startswith("cxcenter PostgreSQL 18")
    # A second command meanwhile (`make test` beside `make run`) joins the same server and leaves it running.
    assert finish(with_services("--", sys.executable, "-c", QUERY, pgdata=pgdata))[0] == 0
    assert server_running(pgdata)
    go_on.touch()
    assert finish(first)[0] == 0
    assert not server_running(pgdata)


def test_a_folder_left_by_a_killed_run_starts_again(pgdata):
    killed = with_services("--", sys.executable, "-c", f"{QUERY}; import time; time.sleep(60)", pgdata=pgdata)
    assert wait_for_line(killed).startswith("cxcenter")
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    assert server_running(pgdata)  # left behind: the next command takes it over and stops it
    code, out, _ = finish(with_services("--", sys.executable, "-c", QUERY, pgdata=pgdata))
    assert code == 0 and out.startswith("cxcenter")
    assert not server_running(pgdata)

    # The server itself killed (the machine lost power): its stale postmaster.pid does not stop the next start.
    killed = with_services("--", sys.executable, "-c", f"{QUERY}; import time; time.sleep(60)", pgdata=pgdata)
    assert wait_for_line(killed).startswith("cxcenter")
    os.kill(int((pgdata / "postmaster.pid").read_text().split()[0]), signal.SIGKILL)
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    for _ in range(100):  # until the machine has reaped it
        if not server_running(pgdata):
            break
        time.sleep(0.1)
    assert (pgdata / "postmaster.pid").exists() and not server_running(pgdata)
    code, out, _ = finish(with_services("--", sys.executable, "-c", QUERY, pgdata=pgdata))
    assert code == 0 and out.startswith("cxcenter")


def test_the_command_s_exit_status_is_the_script_s(pgdata):
    code, _, err = finish(with_services("--", sys.executable, "-c", "raise SystemExit(3)", pgdata=pgdata))
    assert code == 3, err


def test_a_server_that_refuses_is_one_clear_line_and_a_failure():
    env = {**without_services(), "DATABASE_URL": "postgres://cx:secret@127.0.0.1:1/cxcenter"}
    code, out, err = finish(with_services("--", "true", env=env))
    assert code == 2 and out == ""
    assert err.startswith("error: cannot reach the PostgreSQL server of DATABASE_URL (127.0.0.1:1)")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err and "secret" not in err


def test_a_real_server_is_used_when_named_and_its_database_made(tmp_path):
    """The suite's own server stands for the real one: a database of a new name is made on it, nothing embedded."""
    suite_url = urlsplit(os.environ["DATABASE_URL"])
    name = f"{suite_url.path.strip('/')}_named"
    env = {**without_services(), "DATABASE_URL": urlunsplit(suite_url._replace(path=f"/{name}"))}
    drop_database(name)
    try:
        code, out, _ = finish(with_services("--", sys.executable, "-c", QUERY, env=env, pgdata=tmp_path / "unused"))
    finally:
        drop_database(name)
    assert code == 0 and out.startswith(f"Creating the database {name}") and f"\n{name} PostgreSQL" in out
    assert not (tmp_path / "unused").exists()


def drop_database(name):
    server = connect_to_server(environ.Env.db_url_config(os.environ["DATABASE_URL"]))
    with server.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    server.close()


def test_a_second_run_on_a_taken_port_is_refused_before_anything_starts(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = finish(with_services("--free-port", f"127.0.0.1:{port}", "--", "true", pgdata=tmp_path / "pg"))
    assert code == 2 and "already in use" in err and f"make run PORT={port + 1}" in err
    assert not (tmp_path / "pg").exists()


def test_a_private_redis_lives_as_long_as_the_command(pgdata):
    ping = "import os, redis; print(os.environ['REDIS_URL'], redis.Redis.from_url(os.environ['REDIS_URL']).ping())"
    code, out, _ = finish(with_services("--redis", "--", sys.executable, "-c", ping, pgdata=pgdata))
    url, answer = out.splitlines()[-1].split()
    assert code == 0 and answer == "True"
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
