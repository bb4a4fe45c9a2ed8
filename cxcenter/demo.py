"""The demo data the apps add to `manage.py seed_demo`, each registered from its AppConfig.ready()."""

from collections.abc import Callable

from .registry import Registry

# Functions seed(users=, stdout=), run in the order the apps are installed, each safe to run twice.
seeders: Registry[Callable[..., None]] = Registry("demo data")
