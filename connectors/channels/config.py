"""Which IM platforms the settings enable, and the startup check that an enabled one has every secret."""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import ConfigError
from bot.settings import Settings
from connectors.channels.base import secret
from connectors.channels.wecom_crypto import aes_key

PLATFORMS = ("telegram", "slack", "whatsapp", "messenger", "line", "feishu", "wecom")


@dataclass(frozen=True)
class Requirement:
    """A platform: the settings that switch it on, and those it then needs."""

    label: str
    triggers: tuple[str, ...]
    required: tuple[str, ...]


REQUIREMENTS: dict[str, Requirement] = {
    "telegram": Requirement(
        "Telegram", ("telegram_bot_token", "telegram_secret_token"), ("telegram_bot_token", "telegram_secret_token")
    ),
    "slack": Requirement(
        "Slack", ("slack_signing_secret", "slack_bot_token"), ("slack_signing_secret", "slack_bot_token")
    ),
    "whatsapp": Requirement(
        "WhatsApp",
        ("whatsapp_access_token", "whatsapp_phone_number_id"),
        ("meta_app_secret", "meta_verify_token", "whatsapp_access_token", "whatsapp_phone_number_id"),
    ),
    "messenger": Requirement(
        "Messenger",
        ("messenger_page_access_token",),
        ("meta_app_secret", "meta_verify_token", "messenger_page_access_token"),
    ),
    "line": Requirement(
        "LINE",
        ("line_channel_secret", "line_channel_access_token"),
        ("line_channel_secret", "line_channel_access_token"),
    ),
    "feishu": Requirement(
        "Feishu",
        ("feishu_app_id", "feishu_app_secret", "feishu_verification_token", "feishu_encrypt_key"),
        ("feishu_app_id", "feishu_app_secret", "feishu_verification_token", "feishu_encrypt_key"),
    ),
    "wecom": Requirement(
        "WeCom",
        ("wecom_corp_id", "wecom_corp_secret", "wecom_agent_id", "wecom_token", "wecom_encoding_aes_key"),
        ("wecom_corp_id", "wecom_corp_secret", "wecom_agent_id", "wecom_token", "wecom_encoding_aes_key"),
    ),
}


def env_name(field: str) -> str:
    return "SHOPKEEPER_" + field.upper()


def enabled_platforms(settings: Settings) -> list[str]:
    """Platforms with at least one of their credentials set, in PLATFORMS order."""
    return [p for p in PLATFORMS if any(secret(getattr(settings, f)) for f in REQUIREMENTS[p].triggers)]


def check_channel_settings(settings: Settings) -> list[str]:
    """The enabled platforms; ConfigError naming the first missing or malformed setting of one."""
    enabled = enabled_platforms(settings)
    for platform in enabled:
        need = REQUIREMENTS[platform]
        missing = [env_name(f) for f in need.required if not secret(getattr(settings, f))]
        if missing:
            given = next(env_name(f) for f in need.triggers if secret(getattr(settings, f)))
            raise ConfigError(
                f"{need.label} is enabled ({given} is set) but {', '.join(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} missing: set {'it' if len(missing) == 1 else 'them'} "
                f"or unset the {need.label} settings"
            )
    if "wecom" in enabled:
        try:
            aes_key(secret(settings.wecom_encoding_aes_key))
        except ValueError:
            raise ConfigError("SHOPKEEPER_WECOM_ENCODING_AES_KEY must be the 43-character EncodingAESKey from WeCom")
    return enabled
