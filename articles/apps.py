from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self):
        # Connect the receivers: cached public pages go stale on change (signals), and
        # imported rows get a history baseline before their first change (history).
        from . import history, signals  # noqa: F401
