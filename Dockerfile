# syntax=docker/dockerfile:1
#
# The migration image: the dibs CLI and my-app's db program, nothing else.
#
#   docker build -t my-app-migrations .
#   export DATABASE_URL=postgresql://...   # from your secret store, not typed here
#   docker run --rm -e DATABASE_URL \
#       -v "$PWD/deploy/dibs.styx:/.config/dibs.styx:ro" my-app-migrations
#
# (`-e DATABASE_URL` without a value passes it from the environment, so the
# password is on no command line; deploy/dibs.styx is the ConfigMap's text.)
#
# Layout of the final image (tests/dibs/test_deploy.py checks it against
# deploy/k8s/configmap.yaml):
#   /usr/local/bin/dibs     the CLI (the CMD)
#   /app/my-app-db          the db program, named by `db { binary /app/my-app-db }`
#   /.config/               empty: dibs.styx is mounted here at run time
#   /                       the working directory, so dibs finds /.config/dibs.styx
# See docs/deploy.md.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- builder: one virtual environment holding styx-dibs and my-app-db -------
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
WORKDIR /src
# styx-dibs itself (its pyproject.toml, sources and grammar; .dockerignore
# keeps .venv, .git and caches out of the context).
COPY pyproject.toml README.md ./
COPY grammar ./grammar
COPY styx ./styx
COPY dibs ./dibs
RUN /opt/venv/bin/pip install .
# The db package; its dependency on styx-dibs is already satisfied above.
COPY examples/my-app ./examples/my-app
RUN /opt/venv/bin/pip install ./examples/my-app \
    && /opt/venv/bin/dibs --help >/dev/null
# The parser's tables, built once here: the pod runs as a user with no
# writable cache directory, and would otherwise import Lark and rebuild them
# at every start (styx/syntax/grammar.py).
RUN STYX_CACHE_DIR=/opt/styx-cache /opt/venv/bin/python -c "import styx; styx.parse('a 1')" \
    && test -n "$(ls -A /opt/styx-cache)"

# --- final: the same Python, the venv, and the two programs where the config expects them
FROM ${PYTHON_IMAGE}

# Unbuffered output: the db program's log lines reach `kubectl logs` as they happen.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    STYX_CACHE_DIR=/opt/styx-cache

# The venv must keep its path: the console scripts' shebangs point into it.
COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /opt/styx-cache /opt/styx-cache
COPY --from=builder /opt/venv/bin/dibs /usr/local/bin/dibs
COPY --from=builder /opt/venv/bin/my-app-db /app/my-app-db

# Config will be mounted at run time (a ConfigMap in Kubernetes).
RUN mkdir -p /.config \
    && useradd --system --uid 10001 --no-create-home dibs
USER 10001
WORKDIR /

CMD ["/usr/local/bin/dibs", "migrate"]
