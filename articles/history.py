"""History baselines: imported rows get their first history record when first changed.

Every change to an article, person, quote or source is recorded (django-simple-history).
Rows the importer creates are the exception at first: writing a history row beside
each of the thousands of quotes and people an import creates would double its cost,
and the import itself is recorded elsewhere (the row's ``extracted`` snapshot and
``imported_at``). So, before the first change to a row that has no history yet — an
editor's save, a re-import's refresh, a deletion — its current state is recorded as
its creation ("+", dated when it was imported). The change is then recorded as usual,
so every edit shows the old and the new values and can be reverted.

The creation is credited to whoever imported the row, never to the editor whose change
prompts the record: an admin upload's run (``import_run``, reason "import run #N") and
its user; a command-line import to the system (no user, reason "import").
"""

from __future__ import annotations

from django.db.models.signals import pre_delete, pre_save
from django.utils import timezone

from .models import Article, ImportRun, Person, Quote, Source

BASELINE_REASON = "import"
TRACKED = (Article, Person, Quote, Source)


def record_baseline(sender, instance, raw: bool = False, **kwargs) -> None:
    """Record the stored state of ``instance`` as its creation, if it has no history yet."""
    if raw or instance._state.adding or instance.pk is None:
        return
    record_baselines(sender, [instance])


def record_baselines(model, instances) -> None:
    """Record the stored state of each of these rows of ``model`` that has no history yet
    as its creation, in a few queries whatever their number (``pre_save`` does it for one
    row; writes that save rows in bulk call it themselves)."""
    pks = [obj.pk for obj in instances if obj.pk is not None]
    if not pks:
        return
    pk_name = model._meta.pk.attname
    recorded = set(model.history.filter(**{f"{pk_name}__in": pks}).values_list(pk_name, flat=True))
    stored = list(model._default_manager.filter(pk__in=[pk for pk in pks if pk not in recorded]))
    if not stored:
        return
    runs = ImportRun.objects.select_related("user").in_bulk(
        {getattr(obj, "import_run_id", None) for obj in stored} - {None}
    )
    for obj in stored:
        run = runs.get(getattr(obj, "import_run_id", None))
        # Set even when None: simple_history would otherwise credit the request's user.
        obj._history_user = run.user if run else None
        obj._change_reason = f"{BASELINE_REASON} run #{run.pk}" if run else BASELINE_REASON
        obj._history_date = (
            getattr(obj, "imported_at", None) or getattr(obj, "created_at", None) or timezone.now()
        )
    model.history.bulk_history_create(stored, batch_size=500)


for model in TRACKED:
    pre_save.connect(record_baseline, sender=model, dispatch_uid=f"history-baseline-save-{model}")
    pre_delete.connect(record_baseline, sender=model, dispatch_uid=f"history-baseline-del-{model}")
