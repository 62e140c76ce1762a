"""Local development: the settings `make run` uses."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A fixed key is fine on a developer machine and never used elsewhere: production.py
# refuses to start without its own.
SECRET_KEY = env(
    "DJANGO_SECRET_KEY",
    default="dev-only-insecure-key-9f3c1e7a2b6d4c8e0a1f5b7d9e3c2a4b6d8f0e1c",
)
INTERNAL_IPS = ["127.0.0.1"]

DATA_DIR.mkdir(parents=True, exist_ok=True)
