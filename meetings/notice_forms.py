"""Forms of work notices: sending one (with the recipient picker shared with meetings) and
replying to one."""

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import Notice, ReplyKind
from meetings.notice_services import MAX_FILES_PER_NOTICE, prepare_document
from meetings.recipients import RecipientFields, recipient_fieldset
from schools.forms import date_input, form_actions

ACCEPTED = ".pdf,.docx,.xlsx,.jpg,.jpeg,.png,image/jpeg,image/png"


def add_size_limit(field: forms.Field, max_bytes: int) -> None:
    """Tell, below the file field, the county's size limit of each file."""
    limit = _("At most %(size)s MB per file.") % {"size": f"{max_bytes / 1024 / 1024:g}"}
    field.help_text = f"{field.help_text} {limit}" if field.help_text else limit


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentsField(forms.FileField):
    """Several files from one input; each is checked by its bytes and size in the form."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        return [super(DocumentsField, self).clean(f, initial) for f in files]


def _documents(files, *, max_bytes: int) -> list:
    documents, problems = [], []
    for upload in files:
        try:
            documents.append(prepare_document(upload, max_bytes=max_bytes))
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        raise ValidationError(problems)
    return documents


class NoticeForm(RecipientFields, forms.ModelForm):
    """The office writes a notice, attaches files, picks recipients and may ask for a reply."""

    files = DocumentsField(
        label=_("Attachments"),
        required=False,
        help_text=_(
            "PDF, Word (.docx), Excel (.xlsx), JPEG or PNG; at most %(count)d files. After an "
            "error, choose the files again."
        )
        % {"count": MAX_FILES_PER_NOTICE},
    )

    class Meta:
        model = Notice
        fields = ["title", "body", "reply_kind", "reply_due_on"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 6}),
            "reply_kind": forms.RadioSelect,
            "reply_due_on": date_input(),
        }

    def __init__(self, *args, county, max_bytes: int, cancel_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.county = county
        self.max_bytes = max_bytes
        self.setup_recipients(county=county)
        add_size_limit(self.fields["files"], max_bytes)
        self.fields["reply_kind"].required = False
        self.fields["reply_due_on"].help_text = _("Needed when a reply or a file is asked for.")
        self.helper = FormHelper()
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.layout = Layout(
            Fieldset(_("Notice"), "title", "body", "files"),
            recipient_fieldset(_("Send to")),
            Fieldset(_("Reply"), InlineRadios("reply_kind"), "reply_due_on"),
            form_actions(_("Send notice"), cancel_url),
        )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES_PER_NOTICE:
            raise ValidationError(
                _("At most %(count)d files per notice."), params={"count": MAX_FILES_PER_NOTICE}
            )
        return _documents(files, max_bytes=self.max_bytes)

    def clean(self):
        cleaned = super().clean()
        kind, due = cleaned.get("reply_kind"), cleaned.get("reply_due_on")
        if kind and not due:
            self.add_error("reply_due_on", _("Give the date the reply is due."))
        if due and not kind:
            self.add_error("reply_kind", _("Choose what the recipients should send back."))
        if due and due < timezone.localdate():
            self.add_error("reply_due_on", _("The due date cannot be in the past."))
        if not self.errors and self.cleaned_recipients().is_empty:
            raise ValidationError(_("Choose at least one group or person to send the notice to."))
        return cleaned


class ReplyForm(forms.Form):
    """A recipient's reply: text, a file, or both, as the notice asks."""

    text = forms.CharField(
        label=_("Reply"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED}),
        help_text=_("PDF, Word (.docx), Excel (.xlsx), JPEG or PNG."),
    )

    def __init__(self, *args, notice: Notice, has_file: bool, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.notice = notice
        self.has_file = has_file
        self.max_bytes = max_bytes
        if notice.reply_kind == ReplyKind.FILE:
            self.fields["text"].label = _("Note (optional)")
            if has_file:
                self.fields["file"].help_text = _("Choose a file only to replace the one sent.")
        add_size_limit(self.fields["file"], max_bytes)
        self.helper = FormHelper()
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.layout = Layout("text", "file", Submit("send", _("Send reply")))

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        return _documents([upload], max_bytes=self.max_bytes)[0]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if self.notice.reply_kind == ReplyKind.FILE:
            if not cleaned.get("file") and not self.has_file:
                self.add_error("file", _("This notice asks for a file back."))
        elif not cleaned.get("text", "").strip():
            self.add_error("text", _("Write your reply."))
        return cleaned
