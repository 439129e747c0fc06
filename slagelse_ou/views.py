from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template.loader import get_template
from django.views.decorators.http import require_http_methods

from slagelse_ou.services import notifications_mark_read


@login_required
@require_http_methods(["GET", "POST"])
def notification_list(request):
    if request.method == "POST":
        notifications_mark_read(user=request.user)
    page = Paginator(request.user.notifications.all(), 25).get_page(request.GET.get("side"))
    return render(request, "notifications/notification_list.html", {"page": page})


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # Rendered without a request context: the context processors might be what failed.
    return HttpResponseServerError(get_template("errors/500.html").render())
