"""The project itself as an app, so its system checks (newsroom/checks.py) are registered."""

from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom project"

    def ready(self):
        from . import checks  # noqa: F401
