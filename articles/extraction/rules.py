"""Named rules: how each extraction stage says which rule did what.

Every stage of the pipeline (page lines, furniture, header, body, people, quote
spans, speakers, carry-over) keeps one ordered :class:`Registry` of small
functions, each registered under a short name with a docstring example::

    FURNITURE = Registry("furniture")

    @FURNITURE.rule("donation_appeal")
    def donation_appeal(line: str) -> bool:
        '''A paragraph asking the reader for money.

        >>> donation_appeal("Please support independent journalism. Donate today.")
        True
        '''
        ...

The stage runs ``for rule in FURNITURE: ...``; a rule switched off with
:func:`disabled` is skipped, which is how ``bench/rules.py`` measures what each
rule is worth (an ablation) and how each rule's unit test proves the rule
matters. :func:`fired` counts how often each rule decided something, so the
bench can say how often a rule fires on each data set.

Plain Python, no Django.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

_DISABLED: set[str] = set()
_FIRED: Counter[str] = Counter()
_ALL: dict[str, Registry] = {}


@dataclass(frozen=True)
class Rule:
    """One named rule of a stage: ``stage.name`` is its full name."""

    stage: str
    name: str
    func: Callable[..., Any]

    @property
    def full_name(self) -> str:
        return f"{self.stage}.{self.name}"

    @property
    def doc(self) -> str:
        return (self.func.__doc__ or "").strip().splitlines()[0] if self.func.__doc__ else ""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.func(*args, **kwargs)


class Registry:
    """The ordered rules of one stage. Iterating yields the rules that are switched on."""

    def __init__(self, stage: str) -> None:
        if stage in _ALL:
            raise ValueError(f"stage {stage!r} is registered twice")
        self.stage = stage
        self._rules: list[Rule] = []
        _ALL[stage] = self

    def rule(self, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register the decorated function as rule ``name`` (order of registration = order)."""

        def register(func: Callable[..., Any]) -> Callable[..., Any]:
            if any(r.name == name for r in self._rules):
                raise ValueError(f"rule {self.stage}.{name} is registered twice")
            self._rules.append(Rule(stage=self.stage, name=name, func=func))
            return func

        return register

    def __iter__(self) -> Iterator[Rule]:
        if not _DISABLED:  # the usual case: skip building every rule's full name
            return iter(self._rules)
        return (r for r in self._rules if not is_disabled(r.full_name))

    def all(self) -> list[Rule]:
        """Every rule of the stage, switched on or not."""
        return list(self._rules)

    def enabled(self, name: str) -> bool:
        """Whether rule ``name`` of this stage is switched on (for rules used inline)."""
        return not _DISABLED or not is_disabled(f"{self.stage}.{name}")

    def first(
        self, *args: Any, only: Collection[str] | None = None, **kwargs: Any
    ) -> tuple[Rule, Any] | tuple[None, None]:
        """Run the rules in order; the first one returning a truthy value wins.

        ``only`` (rule names, without the stage) runs just that subset of the rules, still
        in the registry's order. Returns ``(rule, value)`` and counts the firing, or
        ``(None, None)``.
        """
        for rule in self:
            if only is not None and rule.name not in only:
                continue
            value = rule.func(*args, **kwargs)
            if value:
                _FIRED[rule.full_name] += 1
                return rule, value
        return None, None


def is_disabled(full_name: str) -> bool:
    return full_name in _DISABLED


def switched_off() -> frozenset[str]:
    """The rules switched off now: part of the key of any cache of a stage's results."""
    return frozenset(_DISABLED)


def note_fired(full_name: str) -> None:
    """Count one decision by a rule that a stage applies itself (not through ``first``)."""
    _FIRED[full_name] += 1


@contextmanager
def disabled(*full_names: str) -> Iterator[None]:
    """Switch rules off (by ``stage.name``) inside the block: for ablations and tests."""
    unknown = [n for n in full_names if n not in all_rule_names()]
    if unknown:
        raise KeyError(f"no such rule: {', '.join(unknown)}")
    added = set(full_names) - _DISABLED
    _DISABLED.update(added)
    try:
        yield
    finally:
        _DISABLED.difference_update(added)


def fired() -> Counter[str]:
    """How often each rule decided something since the last :func:`reset_fired`."""
    return Counter(_FIRED)


def reset_fired() -> None:
    _FIRED.clear()


def registries() -> dict[str, Registry]:
    """Every stage's registry, by stage name (the stage modules must be imported)."""
    return dict(_ALL)


def all_rule_names() -> list[str]:
    return [r.full_name for reg in _ALL.values() for r in reg.all()]
