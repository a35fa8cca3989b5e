"""Forms the portal draws on its busiest pages (the lists' filter bar, the case page's actions), drawn with less work
and the same HTML."""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator as DjangoModelChoiceIterator
from django_filters.fields import ModelChoiceIterator


class PlainModelChoiceIterator(ModelChoiceIterator):
    """A dropdown's model choices (the kecamatan, the categories, the teams: tens of rows) read with one plain query.
    Django reads model choices with QuerySet.iterator(), which on PostgreSQL is a server-side cursor: DECLARE ...
    WITH HOLD, FETCH and CLOSE, three round trips and a materialized cursor per dropdown on every page that draws one.
    (The null choice is django-filter's; Django's own fields have none.)"""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if getattr(self.field, "null_label", None) is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


# Django's forms/widgets/select.html with each option written in place (the same markup as select_option.html and
# attrs.html) instead of included once per option: the lists' filter bar has 40 options, 80 template includes.
SELECT_TEMPLATE = "portal/widgets/select.html"


def lighten_form(form: forms.Form) -> None:
    """The same form, drawn with less work: model choices in one plain query, select options without includes."""
    for field in form.fields.values():
        widget = field.widget
        if not isinstance(widget, forms.Select):
            continue  # (a model field typed as a code, or hidden, lists no choices: it stays as it is)
        if isinstance(field, forms.ModelChoiceField) and field.iterator in (DjangoModelChoiceIterator, ModelChoiceIterator):
            field.iterator = PlainModelChoiceIterator
            widget.choices = field.choices  # the widget took its choices when the queryset was set
        if widget.template_name == forms.Select.template_name and widget.option_template_name == forms.Select.option_template_name:
            widget.template_name = SELECT_TEMPLATE
