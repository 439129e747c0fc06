from django.conf import settings


def portal(request):
    user = request.user
    unread = user.unread_notification_count if user.is_authenticated else 0
    return {"unread_notifications": unread, "SITE_URL": settings.SITE_URL}
