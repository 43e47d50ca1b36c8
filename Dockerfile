# The image of the web, worker and beat services (docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1

# WeasyPrint needs Pango; the report fonts ship in static/fonts.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b \
      libjpeg62-turbo postgresql-client \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY melinh_sxsh ./melinh_sxsh
COPY accounts ./accounts
COPY facilities ./facilities
COPY campaigns ./campaigns
COPY audits ./audits
COPY reports ./reports
COPY public ./public
RUN pip install .
COPY . .

# Static files are collected at build time and served by whitenoise.
RUN SECRET_KEY=build-only-key-not-used-at-run-time-0000000000000000000 DEBUG=false \
    python manage.py collectstatic --noinput

RUN useradd --system --uid 1000 --home /app sxsh && mkdir -p /app/var/media \
 && chown -R sxsh /app/var
USER sxsh

EXPOSE 8000
CMD ["gunicorn", "melinh_sxsh.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
