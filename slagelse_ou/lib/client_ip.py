"""The client's IP address, by one rule for the whole portal (issue 13.2): django-axes' lockouts
(AXES_CLIENT_IP_CALLABLE) and the idea form's limit per address both call this.

Behind CLIENT_IP_PROXY_COUNT trusted reverse proxies (AXES_PROXY_COUNT in the environment)
the address is the one the outermost trusted proxy saw: X-Forwarded-For read from the right,
so a client cannot choose its own address by sending the header itself. With no proxy it is
REMOTE_ADDR. (django-axes reads AXES_IPWARE_PROXY_COUNT only when django-ipware is installed;
it was not, so behind the proxy every client had the proxy's address and anyone could lock
any account.)"""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str:
    proxies = settings.CLIENT_IP_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
