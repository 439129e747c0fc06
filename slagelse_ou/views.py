from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
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


def bad_request(request, exception=None):
    """Django's handler400: also what a body over DATA_UPLOAD_MAX_MEMORY_SIZE or with more
    than DATA_UPLOAD_MAX_NUMBER_FIELDS fields ends in — in Danish, with no stack detail."""
    if isinstance(exception, RequestDataTooBig):
        limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024
        return render(request, "errors/413.html", {"limit_mb": limit_mb}, status=413)
    reason = "fields" if isinstance(exception, TooManyFieldsSent) else ""
    return render(request, "errors/400.html", {"reason": reason}, status=400)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent from an old page or without cookies, explained in Danish."""
    return render(request, "errors/403_csrf.html", status=403)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # Rendered without a request context: the context processors might be what failed.
    return HttpResponseServerError(get_template("errors/500.html").render())
