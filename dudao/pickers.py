"""Choosing one school, inspector or person from a county's long lists: no page sends more than
``MAX_OPTIONS`` ``<option>`` elements.

``SearchModelChoiceField`` is a ``ModelChoiceField`` whose select lists every choice only while
there are at most ``MAX_OPTIONS``. A longer list shows the chosen option and a find box: the
script (static/js/dudao.js) asks the same page for matches (``?pick=<field>&term=...``, answered
by ``picker_response`` from the field's own queryset, so from exactly what the form accepts and
the user may see) and fills the select with them. Without the script the find box is sent with
the form: the page comes back with the matches listed and asks to choose one, so a stale choice
is never saved by mistake. A field may be narrowed by another field of the form (a township
first, then its schools).

Subclasses say how their model is searched (``search_lookups``) and narrowed (``narrow_lookups``).
"""

import unicodedata
from functools import reduce
from operator import or_

from django import forms
from django.db.models import Case, Q, Value, When
from django.http import Http404, JsonResponse
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

MAX_OPTIONS = 200  # the most <option>s a select may send
MATCHES = 50  # the most matches one search lists
FIND = "_find"  # suffix of the find box's name
FOUND = "_found"  # suffix of the hidden name holding the term whose matches are listed
SEARCH = "_search"  # suffix of the name of the "Find" button


def search_term(value) -> str:
    """What a find box or a search parameter may search for: plain text, at most 50 characters
    (full-width digits and letters as typed on Chinese keyboards become plain)."""
    text = unicodedata.normalize("NFKC", str(value or "")).replace("\x00", "")
    return " ".join(text.split())[:50]


def _ids(values) -> list[int]:
    return [int(value) for value in values if str(value).isascii() and str(value).isdigit()]


class SearchSelect(forms.Select):
    """A select that sends all choices of a short list, and for a long one the chosen option and
    the matches of the find box only. Its field is a ``SearchModelChoiceField``."""

    find_template_name = "dudao/search_find.html"

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs, choices)
        self.term = self.found = ""
        self.searched = False
        self.narrow_values = {}

    def value_from_datadict(self, data, files, name):
        self.term = search_term(data.get(name + FIND))
        self.found = search_term(data.get(name + FOUND))
        self.searched = name + SEARCH in data  # "Find" was pressed: list, do not save
        field = self.choices.field
        self.narrow_values = {key: data.get(key) for key in field.narrow_lookups}
        return super().value_from_datadict(data, files, name)

    @property
    def term_is_new(self) -> bool:
        """Whether "Find" was pressed or the find box holds a term whose matches are not listed."""
        return self.searched or (bool(self.term) and self.term != self.found)

    def _listed(self, value):
        """The objects to list: all of a short list; of a long one the chosen and the found."""
        field = self.choices.field
        queryset = field.narrowed(self.narrow_values)
        chosen = _ids(v for v in value if v not in (None, ""))
        if self.term:
            rows = list(field.matches(self.term, self.narrow_values)[:MATCHES])
            searching = True
        else:
            rows = list(queryset[: MAX_OPTIONS + 1])
            searching = len(rows) > MAX_OPTIONS
            if searching:
                rows = []
        listed = {obj.pk for obj in rows}
        missing = [pk for pk in chosen if pk not in listed]
        if missing:
            rows = list(field.queryset.filter(pk__in=missing)) + rows
        return rows, searching

    def get_context(self, name, value, attrs):
        iterator = self.choices
        rows, searching = self._listed(value if isinstance(value, list | tuple) else [value])
        empty = iterator.field.empty_label
        choices = [("", empty)] if empty is not None else []
        choices += [iterator.choice(obj) for obj in rows]
        self.choices = choices
        try:
            context = super().get_context(name, value, attrs)
        finally:
            self.choices = iterator
        context["widget"]["searching"] = searching
        return context

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        select = self._render(self.template_name, context, renderer)
        if not context["widget"]["searching"]:
            return select
        field = self.choices.field
        find = render_to_string(
            self.find_template_name,
            {
                "name": name,
                "select_id": context["widget"]["attrs"].get("id", ""),
                "term": self.term,
                "placeholder": field.find_placeholder,
                "narrow": " ".join(field.narrow_lookups),
                "matches": MATCHES,
            },
        )
        return format_html("{}{}", select, find)


class SearchModelChoiceField(forms.ModelChoiceField):
    """A model choice from a list that may be long: see the module docstring."""

    widget = SearchSelect
    # How the find box searches the model, e.g. ("name__icontains", "code__startswith").
    search_lookups: tuple[str, ...] = ("name__icontains",)
    # Other fields of the form (data keys) that narrow the list, and the model lookup each sets.
    narrow_lookups: dict[str, str] = {}
    find_placeholder = _("Type part of the name to find more")
    default_error_messages = {
        "choose_found": _("Choose one of the matches now listed, then send the form again."),
    }

    def clean(self, value):
        if self.widget.term_is_new:
            raise forms.ValidationError(self.error_messages["choose_found"], code="choose_found")
        return super().clean(value)

    def narrowed(self, narrow_values):
        queryset = self.queryset
        for key, lookup in self.narrow_lookups.items():
            ids = _ids([narrow_values.get(key)])
            if ids:
                queryset = queryset.filter(**{lookup: ids[0]})
        return queryset

    def matches(self, term: str, narrow_values):
        """The choices matching ``term`` (all of the narrowed list for an empty term)."""
        queryset = self.narrowed(narrow_values)
        if not term:
            return queryset
        # Whole matches first, then those starting with the term: "第1小学" before "第10小学".
        fields = [lookup.split("__")[0] for lookup in self.search_lookups]
        rank = Case(
            When(reduce(or_, (Q(**{field: term}) for field in fields)), then=Value(0)),
            When(
                reduce(or_, (Q(**{f"{field}__startswith": term}) for field in fields)),
                then=Value(1),
            ),
            default=Value(2),
        )
        order = [*queryset.query.order_by] or [*self.queryset.model._meta.ordering] or ["pk"]
        return (
            queryset.filter(text_search_q(term, self.search_lookups))
            .annotate(search_rank=rank)
            .order_by("search_rank", *order)
        )


def text_search_q(term: str, lookups, prefix: str = "") -> Q:
    """Rows whose related object (``prefix``, e.g. "school__") matches ``term`` by ``lookups``:
    filter forms search with a text box what a picker would list."""
    return reduce(or_, (Q(**{prefix + lookup: term}) for lookup in lookups))


class SearchTextField(forms.CharField):
    """A filter's text box that finds a school or a person by part of a name (or a code)."""

    def __init__(self, *, placeholder, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 50)
        super().__init__(**kwargs)
        self.widget.input_type = "search"
        self.widget.attrs["placeholder"] = placeholder

    def to_python(self, value):
        return search_term(super().to_python(value))


def picker_response(request, form) -> JsonResponse | None:
    """The matches of a find box (``?pick=<field>&term=...``) as JSON, or None when the request
    is no such search. Call it in a view before rendering the form."""
    name = request.GET.get("pick")
    if name is None:
        return None
    field = next(
        (
            field
            for field_name, field in form.fields.items()
            if form.add_prefix(field_name) == name and isinstance(field, SearchModelChoiceField)
        ),
        None,
    )
    if field is None:
        raise Http404
    rows = list(field.matches(search_term(request.GET.get("term")), request.GET)[: MATCHES + 1])
    return JsonResponse(
        {
            "results": [
                {"id": str(field.prepare_value(obj)), "text": str(field.label_from_instance(obj))}
                for obj in rows[:MATCHES]
            ],
            "more": len(rows) > MATCHES,
        }
    )
