# The public site in one container: `make serve` (N Streamlit replicas behind nginx) as a
# non-root user. The data bundle is not baked in: set HSOU_BUNDLE_URL to an http(s) base URL of a
# bundle and it is installed and validated once at start (or mount an installed bundle on
# /app/data). Build: docker build -t hsou-dash .
# Run:   docker run -p 8080:8080 -e HSOU_BUNDLE_URL=https://…/bundle/ -e REPLICAS=2 hsou-dash
FROM python:3.11-slim

ENV DEBIAN_FRONTEND=noninteractive \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Debian packages by name: make runs the same targets as on a developer machine, nginx fronts
# the replicas.
RUN apt-get update \
    && apt-get install -y --no-install-recommends make nginx libnginx-mod-http-brotli-filter \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 hsou
WORKDIR /app
COPY --chown=hsou:hsou . /app
USER hsou

# The same target `make run` and `make test` use to create .venv with the pinned packages.
RUN make .venv/.installed

ENV PORT=8080 \
    REPLICAS=2 \
    HSOU_DATA_DIR=/app/data/bundle \
    HSOU_CACHE_DIR=/app/data/cache
EXPOSE 8080

# Through nginx, so it fails when no replica answers (a dead one is skipped by nginx itself).
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD python3 -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=4)" \
        "http://127.0.0.1:${PORT}/_stcore/health"

# make forwards SIGTERM (docker stop) to deploy/serve.py, which stops nginx and the replicas.
CMD ["make", "serve"]
