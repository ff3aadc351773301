"""Program admins' page of every message the portal sent or tried to send, with a resend action."""

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import StaffRole
from accounts.views.decorators import staff_role_required

from . import selectors, services
from .forms import MessageFilterForm
from .kinds import kind_label
from .models import Message

PAGE_SIZE = 50


@staff_role_required(StaffRole.PROGRAM_ADMIN)
def message_list(request):
    form = MessageFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.messages_for_admin(**{k: v for k, v in filters.items() if v})
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for message in page:
        message.kind_label = kind_label(message.kind)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "counts": selectors.message_counts(), "query": query.urlencode()}
    return render(request, "messaging/message_list.html", context)


@require_POST
@staff_role_required(StaffRole.PROGRAM_ADMIN)
def message_resend(request, message_id: int):
    try:
        message = services.message_resend(message_id=message_id, actor=request.user)
    except Message.DoesNotExist:
        flash.error(request, "That message does not exist.")
    except services.MessageError as refused:
        flash.error(request, str(refused))
    else:
        flash.success(request, f"The message to {message.recipient} will be sent again in a moment.")
    # Back to the same filtered page; only a query string is taken from the form, never a URL.
    query = request.POST.get("query", "").lstrip("?")
    return redirect(reverse("messaging:message_list") + (f"?{query}" if query else ""))
