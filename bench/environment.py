"""The benchmark environment: its own database on the PostgreSQL of DATABASE_URL, Redis, Django set up on them.

`make bench` runs under scripts/with_services.py, which provides both (the embedded PostgreSQL and a private Redis
unless DATABASE_URL and REDIS_URL name servers).
"""

import os
import shutil
import subprocess
from urllib.parse import urlsplit, urlunsplit

import environ
from psycopg2 import sql

from scripts.with_services import connect_to_server

DATABASE = os.environ.get("BENCH_DATABASE", "cxcenter_bench")


def prepare() -> None:
    """Recreate the bench database, point Django at it, migrate."""
    server = urlsplit(os.environ["DATABASE_URL"])
    database_url = urlunsplit(server._replace(path=f"/{DATABASE}"))
    recreate(environ.Env.db_url_config(database_url))
    # Database 13 of the server, so that flushing it between runs leaves the server's other databases alone.
    redis_url = urlunsplit(urlsplit(os.environ["REDIS_URL"])._replace(path="/13"))
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "DEBUG": "false",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"),
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SETTINGS_MODULE": "cxcenter.settings",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def recreate(config: dict) -> None:
    server = connect_to_server(config)
    with server.cursor() as cursor:
        name = sql.Identifier(config["NAME"])
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(name))
    server.close()


def require(command: str, package: str) -> str:
    """The path of a command, installing its Debian package when it is missing."""
    path = shutil.which(command)
    if path is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True, stdout=subprocess.DEVNULL)
        path = shutil.which(command)
    return path
