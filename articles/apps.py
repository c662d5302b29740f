from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self):
        from django.db.backends.signals import connection_created

        # Connect the receivers: cached public pages go stale on change (signals), and
        # imported rows get a history baseline before their first change (history).
        from . import history, signals  # noqa: F401

        # PostgreSQL bulk inserts write their array literals more cheaply (pg_arrays).
        from .pg_arrays import use_quick_array_literals

        connection_created.connect(use_quick_array_literals, dispatch_uid="quick_array_literals")
