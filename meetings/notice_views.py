"""Work notices (工作通知): the office sends them with files and sees who has read and replied;
recipients read them (the first reading is recorded) and reply."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import OFFICE, has_role, roles_required
from accounts.scoping import CHANGE
from dudao.files import attachment_response, safe_download_name
from dudao.pagination import paginate
from dudao.xlsx import sheet_response
from meetings import notice_services
from meetings.models import Notice, NoticeFile, NoticeRecipient, NoticeReply
from meetings.notice_forms import NoticeForm, ReplyForm
from schools.access import county_for

RECIPIENTS_PER_PAGE = 50


def _max_bytes(county) -> int:
    return county.settings.document_max_bytes


def _is_office(user) -> bool:
    return has_role(user, OFFICE)


def _unread_first(field: str) -> Case:
    return Case(When(**{f"{field}__isnull": True}, then=Value(0)), default=Value(1))


def _count(rows):
    counted = rows.order_by().values("notice").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


@login_required
def notice_list(request):
    """The office: its county's notices with read and reply counts. Everyone else: the notices
    sent to them, unread first."""
    if _is_office(request.user):
        # Counted per notice of the page (subqueries), not by joining every notice's
        # recipients before the page is cut: a county's notices each go to its 1,000 schools.
        recipients = NoticeRecipient.objects.filter(notice=OuterRef("pk"))
        notices = (
            Notice.objects.for_user(request.user)
            .select_related("sent_by")
            .annotate(
                recipient_count=_count(recipients),
                read_count=_count(recipients.filter(read_at__isnull=False)),
                reply_count=_count(recipients.filter(reply__isnull=False)),
            )
            .order_by("-sent_at", "-pk")
        )
        return render(
            request,
            "meetings/notices/office_list.html",
            {"page": paginate(request, notices)},
        )
    mine = NoticeRecipient.objects.filter(notice=OuterRef("pk"), user=request.user)
    notices = (
        Notice.objects.for_user(request.user)
        .annotate(
            my_read_at=Subquery(mine.values("read_at")[:1]),
            replied=Exists(NoticeReply.objects.filter(recipient__in=mine.values("pk"))),
        )
        .order_by(_unread_first("my_read_at"), "-sent_at", "-pk")
    )
    return render(
        request,
        "meetings/notices/my_list.html",
        {"page": paginate(request, notices), "today": timezone.localdate()},
    )


@roles_required(OFFICE)
def notice_create(request):
    county = county_for(request)
    form = NoticeForm(
        request.POST or None,
        request.FILES or None,
        county=county,
        max_bytes=_max_bytes(county),
        cancel_url=reverse("meetings:notice_list"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = notice_services.send_notice(
                county=county,
                actor=request.user,
                title=data["title"],
                body=data["body"],
                reply_kind=data["reply_kind"],
                reply_due_on=data["reply_due_on"],
                choice=form.cleaned_recipients(),
                documents=data["files"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The notice was sent to %(count)d people.")
                % {"count": notice.recipients.count()},
            )
            return redirect("meetings:notice_detail", pk=notice.pk)
    return render(request, "meetings/notices/form.html", {"form": form})


def _notice_for(request, pk: int, action: str = "view") -> Notice:
    return get_object_or_404(
        Notice.objects.for_user(request.user, action).select_related("county__settings"), pk=pk
    )


@login_required
def notice_detail(request, pk: int):
    """A recipient reads (first reading recorded) and replies; the office sees who has read
    and replied, reminds those who have not read, exports the replies."""
    notice = _notice_for(request, pk)
    context = {"notice": notice, "files": notice.files.all(), "today": timezone.localdate()}
    receipt = NoticeRecipient.objects.filter(notice=notice, user=request.user).first()
    if receipt is not None:
        notice_services.mark_read(notice=notice, user=request.user)
        answer = NoticeReply.objects.filter(recipient=receipt).first()
        context["receipt"] = receipt
        context["answer"] = answer
        if notice.asks_reply and not notice.is_withdrawn:
            context["reply_form"] = ReplyForm(
                notice=notice,
                has_file=bool(answer and answer.file),
                max_bytes=_max_bytes(notice.county),
            )
    if _is_office(request.user):
        context.update(_office_context(request, notice))
    return render(request, "meetings/notices/detail.html", context)


def _office_context(request, notice: Notice) -> dict:
    receipts = notice.recipients.select_related("user", "reply").order_by(
        _unread_first("read_at"), "user__display_name", "user__username"
    )
    counts = notice.recipients.aggregate(
        total=Count("pk"),
        read=Count("pk", filter=Q(read_at__isnull=False)),
        replied=Count("reply"),
    )
    show = request.GET.get("show", "")
    if show == "unread":
        receipts = receipts.filter(read_at__isnull=True)
    elif show == "unreplied" and notice.asks_reply:
        receipts = receipts.filter(reply__isnull=True)
    return {
        "office_view": True,
        "receipts": paginate(request, receipts, per_page=RECIPIENTS_PER_PAGE),
        "counts": counts,
        "unread": counts["total"] - counts["read"],
        "show": show,
        "can_change": not notice.is_withdrawn,
    }


@login_required
@require_POST
def notice_reply(request, pk: int):
    notice = _notice_for(request, pk)
    receipt = NoticeRecipient.objects.filter(notice=notice, user=request.user).first()
    if receipt is None or not notice.asks_reply:
        raise Http404
    answer = NoticeReply.objects.filter(recipient=receipt).first()
    form = ReplyForm(
        request.POST,
        request.FILES,
        notice=notice,
        has_file=bool(answer and answer.file),
        max_bytes=_max_bytes(notice.county),
    )
    if form.is_valid():
        try:
            notice_services.save_reply(
                notice=notice,
                user=request.user,
                text=form.cleaned_data["text"].strip(),
                document=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your reply was sent."))
            return redirect("meetings:notice_detail", pk=notice.pk)
    return render(
        request,
        "meetings/notices/detail.html",
        {
            "notice": notice,
            "files": notice.files.all(),
            "receipt": receipt,
            "answer": answer,
            "reply_form": form,
            "today": timezone.localdate(),
        },
    )


@roles_required(OFFICE)
@require_POST
def notice_remind(request, pk: int):
    """One action: remind everyone who has not read the notice (once a day each)."""
    notice = _notice_for(request, pk, CHANGE)
    if notice.is_withdrawn:
        raise Http404
    reminded, already = notice_services.remind_unread(notice=notice)
    if reminded:
        messages.success(
            request, _("%(count)d people were reminded to read it.") % {"count": reminded}
        )
    elif already:
        messages.info(request, _("Everyone who has not read it was already reminded today."))
    else:
        messages.info(request, _("Everyone has read the notice."))
    return redirect("meetings:notice_detail", pk=notice.pk)


@roles_required(OFFICE)
@require_POST
def notice_withdraw(request, pk: int):
    notice = _notice_for(request, pk, CHANGE)
    notice_services.withdraw(notice=notice)
    messages.success(request, _("The notice was withdrawn: its recipients no longer see it."))
    return redirect("meetings:notice_detail", pk=notice.pk)


@roles_required(OFFICE)
def notice_export(request, pk: int):
    """Every recipient with their first reading and reply, as a workbook."""
    notice = _notice_for(request, pk, CHANGE)
    receipts = notice.recipients.select_related("user__school", "reply").order_by(
        "user__display_name", "user__username"
    )

    def rows():
        for receipt in receipts:
            answer = getattr(receipt, "reply", None)
            yield [
                str(receipt.user),
                receipt.user.get_role_display(),
                receipt.user.school.name if receipt.user.school_id else "",
                _local(receipt.read_at),
                _local(answer.replied_at) if answer else None,
                answer.text if answer else "",
                answer.original_name if answer and answer.file else "",
            ]

    return sheet_response(
        title=_("Replies"),
        header=[
            _("Recipient"),
            _("Role"),
            _("School"),
            _("First read at"),
            _("Replied at"),
            _("Reply"),
            _("File"),
        ],
        rows=rows(),
        filename=_("notice-%(pk)d-replies.xlsx") % {"pk": notice.pk},
        widths=(14, 10, 24, 18, 18, 60, 24),
    )


def _local(moment):
    """A time as the office reads it (Asia/Shanghai), without zone: what Excel can show."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


@login_required
def notice_file(request, pk: int):
    """A file of a notice, as a download, to those who may see the notice."""
    attachment = get_object_or_404(
        NoticeFile.objects.filter(notice__in=Notice.objects.for_user(request.user)), pk=pk
    )
    name = safe_download_name(
        attachment.original_name, fallback=f"notice-{attachment.pk}", extension=attachment.kind
    )
    return attachment_response(attachment.file, kind=attachment.kind, download_name=name)


@login_required
def reply_file(request, pk: int):
    """A file sent back: to its sender and to the office of the notice's county."""
    answer = get_object_or_404(
        NoticeReply.objects.select_related("recipient__notice").exclude(file=""), pk=pk
    )
    mine = answer.recipient.user_id == request.user.pk
    readers = Notice.objects.for_user(request.user, "view" if mine else CHANGE)
    if not readers.filter(pk=answer.recipient.notice_id).exists():
        raise Http404
    name = safe_download_name(
        answer.original_name, fallback=f"reply-{answer.pk}", extension=answer.file_kind
    )
    return attachment_response(answer.file, kind=answer.file_kind, download_name=name)
