"""Model fields whose text always has Unix line breaks.

Browsers send a textarea's line breaks as CRLF; pasted text and old scrapes may carry
lone CRs. Everything that reads an article splits paragraphs on blank lines
(``Article.paragraphs``, the public page, the API, quote offsets), so one saved form
with CRLF used to turn a whole article into one paragraph. :class:`LineTextField`
normalises line breaks at the model boundary, on every write path: a form's
cleaning (so an unchanged textarea counts as unchanged), ``save()``,
``bulk_create()`` and ``QuerySet.update()``.
"""

from __future__ import annotations

from django import forms
from django.db import models


def normalize_newlines(value):
    """``"a\\r\\nb\\rc"`` -> ``"a\\nb\\nc"``; anything that is not a string is returned as is.

    >>> normalize_newlines("One.\\r\\n\\r\\nTwo.")
    'One.\\n\\nTwo.'
    """
    if isinstance(value, str) and "\r" in value:
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


class LineTextFormField(forms.CharField):
    """A form field that cleans a textarea's CRLF line breaks to ``\\n``."""

    def to_python(self, value):
        return normalize_newlines(super().to_python(value))


class LineTextField(models.TextField):
    """A ``TextField`` stored and kept in memory with ``\\n`` line breaks only."""

    def to_python(self, value):
        return normalize_newlines(super().to_python(value))

    def get_prep_value(self, value):
        # QuerySet.update() and lookups come through here.
        return normalize_newlines(super().get_prep_value(value))

    def pre_save(self, model_instance, add):
        # save() and bulk_create() come through here; the instance keeps the clean value.
        value = normalize_newlines(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": LineTextFormField, **kwargs})
