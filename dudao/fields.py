"""Form fields the apps share."""

from django import forms
from django.core.exceptions import ValidationError


class LoadedModelChoiceField(forms.ModelChoiceField):
    """A model choice among rows already loaded for the whole form set (``set_rows``).

    A plain ``ModelChoiceField`` asks the database once per form to check a choice and once more
    to list its options: a visit record's ten matter and problem rows, built twice on
    submitting, asked twenty times. Without ``set_rows`` it is a plain ``ModelChoiceField``."""

    rows: dict | None = None

    def set_rows(self, rows) -> None:
        self.rows = {str(row.pk): row for row in rows}
        options = [(row.pk, self.label_from_instance(row)) for row in self.rows.values()]
        empty = [] if self.empty_label is None else [("", self.empty_label)]
        self.choices = empty + options

    def to_python(self, value):
        if self.rows is None:
            return super().to_python(value)
        if value in self.empty_values:
            return None
        key = str(getattr(value, "pk", value))
        if key not in self.rows:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return self.rows[key]
