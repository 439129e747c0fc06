"""Gunicorn settings for the production image (Dockerfile, docker-compose.yml `web`).

Sync workers, one process per request: a page here is a few milliseconds of template
rendering and a handful of queries (see STYLE.md, "Measured on this kind of machine"), so
processes, not threads, are what use the cores. Each worker keeps one persistent database
connection (DB_CONN_MAX_AGE), which saves ~5 ms per request.

TLS is ended by the municipality's reverse proxy in front of this container. The proxy
must send X-Forwarded-Proto (Django trusts it: SECURE_PROXY_SSL_HEADER in production).
"""

import os

bind = f"0.0.0.0:{int(os.environ.get('PORT', '8000'))}"
# WEB_CONCURRENCY is gunicorn's own convention; 2 × cores + 1 on the 2-core servers.
workers = int(os.environ.get("WEB_CONCURRENCY", "5"))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# The proxy keeps connections open to us; a little longer than gunicorn's 2 s default.
keepalive = 5
# Recycle workers now and then so a slow leak in any library cannot grow without bound;
# the jitter keeps them from all restarting at once.
max_requests = 1000
max_requests_jitter = 100
# The heartbeat file on tmpfs: on a container's overlay filesystem os.fchmod can block a
# worker long enough for the arbiter to kill it (gunicorn's docs, "blocking os.fchmod").
worker_tmp_dir = "/dev/shm"
# Access log to stdout, errors to stderr: `docker compose logs web` shows both.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The control socket (gunicornc, gunicorn ≥ 25.1) would be created under $HOME, which the
# unprivileged user in the image does not have; nothing here uses it.
control_socket_disable = True
