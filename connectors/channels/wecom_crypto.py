"""WeCom callback crypto: msg_signature (sha1 of the sorted parts) and the AES-256-CBC message envelope."""

from __future__ import annotations

import base64
import hashlib
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from bot.errors import BadPayload

BLOCK = 32
"""WeCom pads with PKCS#7 to a multiple of 32 bytes, not AES's 16."""


def msg_signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    """sha1 hex of the four strings sorted and joined."""
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypted])).encode()).hexdigest()


def aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte key: the 43-character EncodingAESKey plus "=" is base64."""
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except ValueError as exc:
        raise ValueError("the EncodingAESKey is not 43 base64 characters") from exc
    if len(key) != 32:
        raise ValueError("the EncodingAESKey is not 43 base64 characters")
    return key


def decrypt(key: bytes, encrypted: str, receive_id: str) -> str:
    """random(16) + msg_len (4 bytes, network order) + msg + receiveid; the receiveid must be ours."""
    try:
        blob = base64.b64decode(encrypted, validate=True)
        if not blob or len(blob) % 16:
            raise ValueError("bad length")
        decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
        plain = decryptor.update(blob) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
            raise ValueError("bad padding")
        plain = plain[:-pad]
        (length,) = struct.unpack(">I", plain[16:20])
        message = plain[20 : 20 + length]
        if len(message) != length:
            raise ValueError("bad length")
        owner = plain[20 + length :].decode()
        text = message.decode()
    except (ValueError, struct.error, UnicodeDecodeError, IndexError) as exc:
        raise BadPayload("the WeCom message does not decrypt with the configured EncodingAESKey") from exc
    if owner != receive_id:
        raise BadPayload("the WeCom message was encrypted for another corp id")
    return text


def encrypt(key: bytes, message: str, receive_id: str, random16: bytes | None = None) -> str:
    """The inverse of decrypt (WeCom's side; tests and stand-ins use it)."""
    body = message.encode()
    plain = (random16 or os.urandom(16)) + struct.pack(">I", len(body)) + body + receive_id.encode()
    pad = BLOCK - len(plain) % BLOCK
    plain += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()
