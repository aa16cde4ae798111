"""Settings decide which platforms are on; an enabled platform missing a secret stops startup with a clear message."""

from __future__ import annotations

import pytest

from bot.errors import ConfigError
from bot.settings import Settings
from connectors.channels import check_channel_settings, enabled_platforms
from connectors.channels.config import PLATFORMS
from tests.connectors.channels.conftest import channel_settings


def _settings(**values: str) -> Settings:
    return Settings(_env_file=None, data_dir="/nonexistent", **values)  # type: ignore[call-arg]


def test_no_channel_settings_no_channels() -> None:
    assert check_channel_settings(_settings()) == []


def test_all_secrets_enable_every_platform() -> None:
    assert check_channel_settings(channel_settings()) == list(PLATFORMS)


def test_a_partial_platform_names_what_is_missing() -> None:
    with pytest.raises(ConfigError) as raised:
        check_channel_settings(_settings(slack_bot_token="xoxb-1"))
    assert raised.value.message == (
        "Slack is enabled (SHOPKEEPER_SLACK_BOT_TOKEN is set) but SHOPKEEPER_SLACK_SIGNING_SECRET is missing: "
        "set it or unset the Slack settings"
    )


def test_whatsapp_needs_the_meta_app_secret() -> None:
    with pytest.raises(ConfigError, match="SHOPKEEPER_META_APP_SECRET, SHOPKEEPER_META_VERIFY_TOKEN are missing"):
        check_channel_settings(_settings(whatsapp_access_token="t", whatsapp_phone_number_id="1"))


def test_feishu_without_an_encrypt_key_is_refused() -> None:
    with pytest.raises(ConfigError, match="SHOPKEEPER_FEISHU_ENCRYPT_KEY"):
        check_channel_settings(channel_settings(feishu_encrypt_key=None))


def test_a_malformed_wecom_key_is_refused() -> None:
    with pytest.raises(ConfigError, match="43-character"):
        check_channel_settings(channel_settings(wecom_encoding_aes_key="short"))


def test_only_the_configured_platforms_are_enabled() -> None:
    assert enabled_platforms(_settings(telegram_bot_token="1:a", telegram_secret_token="s")) == ["telegram"]


def test_the_app_factory_refuses_to_start_with_a_half_configured_platform() -> None:
    from bot.server.app import create_app
    from bot.testing.service import FakeService

    with pytest.raises(ConfigError, match="SHOPKEEPER_LINE_CHANNEL_SECRET"):
        create_app(FakeService(_settings(line_channel_access_token="t")))
