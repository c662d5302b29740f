from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self):
        # Connects the receivers that invalidate cached public pages.
        from . import signals  # noqa: F401
