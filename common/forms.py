"""Form fields more than one face's forms use: the portal's walk-in intake, the citizens' web form, the duty log."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

DESCRIPTION_LIMIT = 4000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several photos in one input, at most TRECKK_MAX_FILES_PER_REQUEST; their type and size are checked by the
    attachment service."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf", "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        limit = settings.TRECKK_MAX_FILES_PER_REQUEST
        if len(files) > limit:
            raise forms.ValidationError(_("Paling banyak %(max)s berkas.") % {"max": limit})
        return [super(MultipleImageField, self).clean(f, initial) for f in files]
