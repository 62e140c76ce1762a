"""Search backends for modelsearch / Wagtail that live in this project."""
