from django.conf import settings


def portal(request):
    user = request.user
    unread = 0
    if user.is_authenticated:
        unread = user.notifications.filter(read_at__isnull=True).count()
    return {"unread_notifications": unread, "SITE_URL": settings.SITE_URL}
