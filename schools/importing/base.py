"""The shape every import shares: columns, row errors, the plan, and one transaction."""

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from schools.importing.cells import CellError, text
from schools.importing.workbook import ImportFileError, read_sheet

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
LISTED_NAMES = 40  # how many registered names an "unknown name" message lists


@dataclass(frozen=True)
class Column:
    # The header is fixed Chinese text, not a translated string: it is the file format, and a
    # file must import the same whatever language the person uploading it has chosen.
    header: str
    key: str
    parse: Callable
    required: bool = False
    help: str = ""  # lazily translated, shown on the template's instructions sheet
    example: object = ""


@dataclass
class RowError:
    row: int
    column: str  # its header
    letter: str  # its letter in the file, e.g. "C"
    value: str
    message: str


@dataclass
class Record:
    """One data row: parsed values by column key; keys whose cell was bad are None."""

    row: int
    raw: dict
    values: dict = field(default_factory=dict)
    failed: set = field(default_factory=set)

    def __getitem__(self, key):
        return self.values[key]

    def ok(self, *keys) -> bool:
        return not self.failed.intersection(keys)


@dataclass
class Step:
    """What the import does with one row."""

    record: Record
    obj: object
    action: str
    changed: list[str] = field(default_factory=list)  # headers of changed columns
    label: str = ""  # the row's key cells, to name it on the result page


@dataclass
class ImportResult:
    kind: str
    committed: bool = False
    errors: list[RowError] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what else the import did, for the page
    logins: list = field(default_factory=list)  # (user, one-time password)

    def count(self, action: str) -> int:
        return sum(1 for step in self.steps if step.action == action)

    @property
    def created(self) -> int:
        return self.count(CREATED)

    @property
    def updated(self) -> int:
        return self.count(UPDATED)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)

    @property
    def updates(self) -> list[Step]:
        return [step for step in self.steps if step.action == UPDATED]

    @property
    def error_rows(self) -> int:
        return len({error.row for error in self.errors})


class Importer:
    """Reads one kind of file for one county: validate every row, then write all or nothing.

    Subclasses declare ``columns`` and implement ``preload`` (every lookup table in a few
    queries, never one per row), ``check`` (lookups and rules across rows), ``plan`` (which rows
    create, update or leave alone what) and ``write`` (bulk queries).
    """

    kind: str
    label: str
    sheet_name: str
    columns: list[Column]
    key_columns: tuple[str, ...]  # the values that name a row on the result page

    def __init__(self, county, *, actor=None):
        self.county = county
        self.actor = actor  # who imports: recorded by services that log their changes
        self.errors: list[RowError] = []
        self.notes: list[str] = []
        self.letters: dict[str, str] = {}
        self.by_key = {column.key: column for column in self.columns}

    # -- the run --------------------------------------------------------------------------
    def run(self, upload, *, commit: bool, create_logins: bool = False) -> ImportResult:
        sheet = read_sheet(
            upload,
            headers=[column.header for column in self.columns],
            sheet_name=self.sheet_name,
            template_label=str(self.label),
        )
        self.letters = sheet.letters
        result = ImportResult(kind=self.kind, ignored_headers=sheet.ignored_headers)
        try:
            with transaction.atomic() if commit else nullcontext():
                self.preload()
                records = [self.parse(row.number, row.cells) for row in sheet.rows]
                self.check(records)
                if self.errors:
                    result.errors = sorted(self.errors, key=self._error_order)
                    return result
                result.steps = self.plan(records)
                for step in result.steps:
                    step.label = " ".join(str(step.record[key]) for key in self.key_columns)
                if commit:
                    self.write(result.steps)
                    result.notes = self.notes
                    if create_logins:
                        result.logins = self.create_logins(result.steps)
                    result.committed = True
        except IntegrityError:
            # Validation saw a clean file; someone else changed the same records meanwhile.
            raise ImportFileError(
                _("The records changed while importing; nothing was imported. Please try again.")
            ) from None
        return result

    def parse(self, number: int, cells: dict) -> Record:
        record = Record(row=number, raw=cells)
        for column in self.columns:
            value = cells.get(column.header)
            if column.required and not text(value):
                self.error(record, column.key, _("Required: this cell is empty."))
                continue
            try:
                record.values[column.key] = column.parse(value)
            except CellError as problem:
                self.error(record, column.key, str(problem))
        return record

    def error(self, record: Record, key: str, message: str) -> None:
        column = self.by_key[key]
        record.failed.add(key)
        record.values[key] = None
        self.errors.append(
            RowError(
                row=record.row,
                column=column.header,
                letter=self.letters.get(column.header, ""),
                value=text(record.raw.get(column.header)),
                message=message,
            )
        )

    def _error_order(self, error: RowError):
        return error.row, len(error.letter), error.letter

    def duplicates(self, records: list[Record], key_of: Callable, key: str, message: str):
        """Flag every row whose key (not None) already appeared on an earlier row."""
        first_row = {}
        for record in records:
            value = key_of(record)
            if value is None:
                continue
            if value in first_row:
                self.error(record, key, message % {"row": first_row[value]})
            else:
                first_row[value] = record.row

    def check_known(self, record, key, known: dict, unknown: str, none_registered: str):
        """The cell must name one of ``known`` (if not empty); the message lists the names."""
        name = record[key]
        if not name or name in known:
            return
        if not known:
            self.error(record, key, none_registered % {"name": name})
            return
        listed = "、".join(list(known)[:LISTED_NAMES])
        if len(known) > LISTED_NAMES:
            listed += "…"
        self.error(record, key, unknown % {"name": name, "known": listed})

    @staticmethod
    def changes(obj, values: dict, headers: dict) -> list[str]:
        """Set the new values on ``obj``; return the headers of the fields that changed."""
        changed = []
        for name, value in values.items():
            if getattr(obj, name) != value:
                setattr(obj, name, value)
                changed.append(headers[name])
        return changed

    # -- per kind ---------------------------------------------------------------------------
    def preload(self) -> None:
        raise NotImplementedError

    def check(self, records: list[Record]) -> None:
        raise NotImplementedError

    def plan(self, records: list[Record]) -> list[Step]:
        raise NotImplementedError

    def write(self, steps: list[Step]) -> None:
        """Apply the plan; add to ``self.notes`` anything the page should say beyond counts."""
        raise NotImplementedError

    def create_logins(self, steps: list[Step]) -> list:
        return []

    def allowed_values(self) -> dict[str, list[str]]:
        """Header -> the values its cells may take (for the template's dropdowns and notes)."""
        return {}
