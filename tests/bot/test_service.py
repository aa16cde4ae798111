"""The Service facade: tokens, signed identities and message limits, over fakes."""

from __future__ import annotations

import pytest

from bot.errors import BadInput, Forbidden, NotFound, TooLarge, Unauthorized
from bot.privacy.scrubber import PiiScrubber
from bot.service import Service, SignedIdentity, sign_identity
from bot.settings import Settings
from bot.stores.memory import MemoryStore
from bot.testing.fakes import ScriptedEngine
from bot.testing.turns import service_over, turn_handler
from bot.understanding.understander import Understander

SECRET = "shop-secret"
ADMIN = "admin-token"


def make_service(**settings: object) -> Service:
    config = Settings.model_validate({"identity_secret": SECRET, "max_message_chars": 50, **settings})
    store = MemoryStore()
    turns = turn_handler(ScriptedEngine(), PiiScrubber(), Understander().understand, store=store)
    return service_over(turns, config, admin_token=ADMIN, checks={"store": store.ping, "broken": lambda: 1 / 0 == 0})


def test_tokens_are_checked() -> None:
    service = make_service()
    conversation, token = service.start_conversation(locale="en")
    other, other_token = service.start_conversation()
    assert service.authorize(conversation.id, token).id == conversation.id
    assert service.authorize(conversation.id, ADMIN).id == conversation.id
    with pytest.raises(Unauthorized):
        service.authorize(conversation.id, None)
    with pytest.raises(Forbidden):
        service.authorize(conversation.id, other_token)
    with pytest.raises(NotFound):
        service.authorize("c_nope", token)
    assert token not in repr(service.store.get(conversation.id)), "only the token's hash is stored"
    assert service.is_admin(ADMIN) and not service.is_admin(token) and not service.is_admin(None)


def test_a_signed_identity_binds_the_customer() -> None:
    service = make_service()
    conversation, _ = service.start_conversation(
        identity=SignedIdentity("jane_doe_1001", sign_identity(SECRET, "jane_doe_1001"))
    )
    assert conversation.customer is not None
    assert conversation.customer.customer_id == "jane_doe_1001"
    assert conversation.customer.verified_by == "signed_identity"


def test_forged_or_unknown_identities_are_refused() -> None:
    service = make_service()
    with pytest.raises(Unauthorized):
        service.start_conversation(identity=SignedIdentity("jane_doe_1001", sign_identity("wrong", "jane_doe_1001")))
    with pytest.raises(Unauthorized):
        service.start_conversation(identity=SignedIdentity("nobody_1", sign_identity(SECRET, "nobody_1")))
    unsigned_shop = make_service(identity_secret=None)
    with pytest.raises(BadInput):
        unsigned_shop.start_conversation(identity=SignedIdentity("jane_doe_1001", "00"))


def test_message_limits() -> None:
    service = make_service()
    conversation, _ = service.start_conversation()
    with pytest.raises(BadInput):
        service.post_message(conversation.id, "   ")
    with pytest.raises(TooLarge):
        service.post_message(conversation.id, "x" * 51)
    assert service.post_message(conversation.id, "hello").replies


def test_transcript_of_unknown_conversation() -> None:
    with pytest.raises(NotFound):
        make_service().transcript("c_nope")


def test_readiness_reports_each_check_and_survives_a_crash() -> None:
    assert make_service().readiness() == {"store": True, "broken": False}


def test_an_expiring_identity_is_signed_with_its_expiry_and_refused_after_it() -> None:
    import time

    service = make_service()
    later = int(time.time()) + 600
    conversation, _ = service.start_conversation(
        identity=SignedIdentity("jane_doe_1001", sign_identity(SECRET, "jane_doe_1001", later), later)
    )
    assert conversation.customer is not None
    with pytest.raises(Unauthorized, match="expired"):
        earlier = int(time.time()) - 1
        service.start_conversation(
            identity=SignedIdentity("jane_doe_1001", sign_identity(SECRET, "jane_doe_1001", earlier), earlier)
        )
    with pytest.raises(Unauthorized, match="does not match"):
        # Moving the expiry forward breaks the signature.
        service.start_conversation(
            identity=SignedIdentity("jane_doe_1001", sign_identity(SECRET, "jane_doe_1001", later), later + 3600)
        )
