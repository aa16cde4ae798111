"""IM channels: one module per platform behind one seam (verify, handshake, parse, send), built from settings."""

from __future__ import annotations

from bot.errors import BadPayload, DeliveryError
from bot.settings import Settings
from bot.types import Handshake, Inbound, Outgoing, WebhookRequest
from connectors.channels.base import WebhookChannel, secret
from connectors.channels.config import PLATFORMS, check_channel_settings, enabled_platforms
from connectors.channels.feishu import FeishuChannel
from connectors.channels.line import LineChannel
from connectors.channels.messenger import MessengerChannel
from connectors.channels.outbound import Outbound
from connectors.channels.slack import SlackChannel
from connectors.channels.telegram import TelegramChannel
from connectors.channels.wecom import WeComChannel
from connectors.channels.whatsapp import WhatsAppChannel

__all__ = [
    "PLATFORMS",
    "BadPayload",
    "DeliveryError",
    "Handshake",
    "Inbound",
    "Outbound",
    "Outgoing",
    "WebhookChannel",
    "WebhookRequest",
    "build_channels",
    "check_channel_settings",
    "enabled_platforms",
]


def build_channel(platform: str, settings: Settings, outbound: Outbound) -> WebhookChannel:
    """One platform's channel from its settings (check_channel_settings has vouched for them)."""
    s = settings
    if platform == "telegram":
        return TelegramChannel(
            secret(s.telegram_bot_token), secret(s.telegram_secret_token), s.telegram_api_base, outbound
        )
    if platform == "slack":
        return SlackChannel(secret(s.slack_signing_secret), secret(s.slack_bot_token), s.slack_api_base, outbound)
    if platform == "whatsapp":
        return WhatsAppChannel(
            secret(s.meta_app_secret),
            secret(s.meta_verify_token),
            secret(s.whatsapp_access_token),
            s.whatsapp_phone_number_id,
            s.whatsapp_api_base,
            outbound,
        )
    if platform == "messenger":
        return MessengerChannel(
            secret(s.meta_app_secret),
            secret(s.meta_verify_token),
            secret(s.messenger_page_access_token),
            s.messenger_api_base,
            outbound,
        )
    if platform == "line":
        return LineChannel(
            secret(s.line_channel_secret), secret(s.line_channel_access_token), s.line_api_base, outbound
        )
    if platform == "feishu":
        return FeishuChannel(
            s.feishu_app_id,
            secret(s.feishu_app_secret),
            secret(s.feishu_verification_token),
            secret(s.feishu_encrypt_key),
            s.feishu_api_base,
            outbound,
        )
    if platform == "wecom":
        return WeComChannel(
            s.wecom_corp_id,
            secret(s.wecom_corp_secret),
            s.wecom_agent_id,
            secret(s.wecom_token),
            secret(s.wecom_encoding_aes_key),
            s.wecom_api_base,
            outbound,
        )
    raise ValueError(f"unknown platform {platform!r}; expected one of {', '.join(PLATFORMS)}")


def build_channels(settings: Settings, outbound: Outbound) -> dict[str, WebhookChannel]:
    """Every enabled platform's channel; ConfigError when an enabled one lacks a secret."""
    return {p: build_channel(p, settings, outbound) for p in check_channel_settings(settings)}
