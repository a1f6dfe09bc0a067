"""Sealed sync files: signed by the sender (Ed25519), readable only by the recipients (X25519 + HKDF + AES-GCM).

A file is `MAGIC`, one line of header JSON, then a 12-byte nonce and the AES-GCM ciphertext of signature ‖ body.
The header names the kind, the sender, the time it was made (ms), a fresh ephemeral X25519 key and, for each
recipient, the content key wrapped with a key derived from ECDH(ephemeral, recipient). The header bytes are the
associated data of the content and are covered by the signature, so no byte of the file can change unnoticed.
Keys travel as base64 of their 32 raw bytes. Pure Python over `cryptography`: no Qt, no HTTP, no database.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from sync.protocol import ID_RE, ProtocolError, loads_untrusted

MAGIC = b"DOSTYQ-SYNC-FILE/2\n"
SERVER = "server"  # the recipient id (and sender id) of the central server
MAX_HEADER_BYTES = 256 * 1024
MAX_RECIPIENTS = 1000
_SIGN_CONTEXT = b"dostyq sync file signature\n"
_WRAP_INFO = b"dostyq sync file key\n"


@dataclass(frozen=True)
class Sealed:
    header: dict
    header_bytes: bytes
    nonce: bytes
    ciphertext: bytes


# ---- keys --------------------------------------------------------------------------------------------------------


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str, size: int | None = None) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise ProtocolError("malformed", "not base64") from None
    if size is not None and len(raw) != size:
        raise ProtocolError("malformed", "key of the wrong size")
    return raw


def raw_private(key: Ed25519PrivateKey | X25519PrivateKey) -> str:
    return b64(
        key.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
    )


def _raw_public(key: Ed25519PublicKey | X25519PublicKey) -> str:
    return b64(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def new_keys() -> dict[str, str]:
    """A fresh private key pair: {"sign_key": Ed25519, "box_key": X25519}."""
    return {
        "sign_key": raw_private(Ed25519PrivateKey.generate()),
        "box_key": raw_private(X25519PrivateKey.generate()),
    }


def public_keys(private: dict[str, str]) -> dict[str, str]:
    """The public halves of new_keys()."""
    sign = Ed25519PrivateKey.from_private_bytes(unb64(private["sign_key"], 32)).public_key()
    box = X25519PrivateKey.from_private_bytes(unb64(private["box_key"], 32)).public_key()
    return {"sign_key": _raw_public(sign), "box_key": _raw_public(box)}


def check_public(key: str) -> str:
    """A public key as sent by a PC: base64 of 32 bytes."""
    if not isinstance(key, str) or len(key) > 64:
        raise ProtocolError("malformed", "bad public key")
    unb64(key, 32)
    return key


def server_public_keys(meta: dict[str, str | None]) -> dict[str, str]:
    """The server's public keys from its server_meta rows (file_sign_key, file_box_key hold the private keys)."""
    sign, box = meta.get("file_sign_key"), meta.get("file_box_key")
    if not sign or not box:
        raise ProtocolError("no_keys", "the server has no file keys yet")
    return public_keys({"sign_key": sign, "box_key": box})


# ---- sealing -----------------------------------------------------------------------------------------------------


def _kek(shared: bytes, eph_pub: bytes, recipient_pub: bytes, recipient: str) -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=eph_pub + recipient_pub,
        info=_WRAP_INFO + recipient.encode("ascii"),
    )
    return hkdf.derive(shared)


def seal(
    kind: str,
    sender: str,
    created_ms: int,
    body: bytes,
    sign_key: str,
    recipients: dict[str, str],
    extra: dict | None = None,
) -> bytes:
    """The file bytes: `body` signed with the sender's private `sign_key`, readable by each of `recipients`
    ({recipient id: public box key})."""
    if not recipients:
        raise ProtocolError("no_keys", "nobody can read this file")
    cek = AESGCM.generate_key(bit_length=256)
    eph = X25519PrivateKey.generate()
    eph_pub = unb64(_raw_public(eph.public_key()))
    wraps = []
    for rid, pub in sorted(recipients.items()):
        pub_raw = unb64(pub, 32)
        kek = _kek(eph.exchange(X25519PublicKey.from_public_bytes(pub_raw)), eph_pub, pub_raw, rid)
        nonce = os.urandom(12)
        wraps.append({"id": rid, "n": b64(nonce), "k": b64(AESGCM(kek).encrypt(nonce, cek, rid.encode()))})
    header = {
        **(extra or {}),
        "v": 2,
        "kind": kind,
        "from": sender,
        "created": int(created_ms),
        "eph": b64(eph_pub),
        "to": wraps,
    }
    header_bytes = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("ascii")
    signer = Ed25519PrivateKey.from_private_bytes(unb64(sign_key, 32))
    signature = signer.sign(_SIGN_CONTEXT + header_bytes + b"\n" + body)
    nonce = os.urandom(12)
    ciphertext = AESGCM(cek).encrypt(nonce, signature + body, MAGIC + header_bytes)
    return MAGIC + header_bytes + b"\n" + nonce + ciphertext


def read(data: bytes) -> Sealed:
    """The header of a file, checked for shape (nothing is decrypted or trusted yet)."""
    if not data.startswith(MAGIC):
        raise ProtocolError("malformed", "not a Dostyq sync file")
    end = data.find(b"\n", len(MAGIC), len(MAGIC) + MAX_HEADER_BYTES)
    if end < 0:
        raise ProtocolError("malformed", "no header")
    header_bytes = data[len(MAGIC) : end]
    try:
        header_bytes.decode("ascii")
        header = loads_untrusted(header_bytes)  # depth, integer length and values bounded: 4xx, never 500
    except (UnicodeDecodeError, ProtocolError):
        raise ProtocolError("malformed", "header") from None
    if not isinstance(header, dict) or header.get("v") != 2:
        raise ProtocolError(
            "protocol_version", f"sync file version {header.get('v') if isinstance(header, dict) else '?'}"
        )
    sender, created, to = header.get("from"), header.get("created"), header.get("to")
    if not isinstance(header.get("kind"), str) or not isinstance(header.get("eph"), str):
        raise ProtocolError("tampered", "header")
    if not isinstance(sender, str) or (sender and not ID_RE.match(sender)):
        raise ProtocolError("tampered", "sender")
    if type(created) is not int or not isinstance(to, list) or not 0 < len(to) <= MAX_RECIPIENTS:
        raise ProtocolError("tampered", "header")
    for wrap in to:
        if not isinstance(wrap, dict) or not all(isinstance(wrap.get(k), str) for k in ("id", "n", "k")):
            raise ProtocolError("tampered", "recipients")
    rest = data[end + 1 :]
    if len(rest) < 12 + 16 + 64:
        raise ProtocolError("tampered", "truncated")
    return Sealed(header, header_bytes, rest[:12], rest[12:])


def recipients(sealed: Sealed) -> list[str]:
    return [wrap["id"] for wrap in sealed.header["to"]]


def decrypt(sealed: Sealed, box_key: str, me: str | None) -> tuple[bytes, bytes]:
    """(signature, body) for the holder of the private `box_key`, addressed as `me` (None: whichever entry opens).
    The signature is not checked here: see verify()."""
    box = X25519PrivateKey.from_private_bytes(unb64(box_key, 32))
    my_pub = unb64(_raw_public(box.public_key()))
    eph_pub = unb64(sealed.header["eph"], 32)
    try:
        shared = box.exchange(X25519PublicKey.from_public_bytes(eph_pub))
    except ValueError:  # a low-order point: no shared secret
        raise ProtocolError("tampered", "ephemeral key") from None
    wraps = [w for w in sealed.header["to"] if me is None or w["id"] == me]
    if not wraps:
        raise ProtocolError("not_addressed", "this file is not for this reader")
    for wrap in wraps:
        kek = _kek(shared, eph_pub, my_pub, wrap["id"])
        try:
            cek = AESGCM(kek).decrypt(unb64(wrap["n"], 12), unb64(wrap["k"]), wrap["id"].encode("ascii"))
        except (InvalidTag, ValueError, ProtocolError):
            continue
        try:
            plain = AESGCM(cek).decrypt(sealed.nonce, sealed.ciphertext, MAGIC + sealed.header_bytes)
        except InvalidTag:
            raise ProtocolError("tampered", "the file was changed on the way") from None
        return plain[:64], plain[64:]
    raise ProtocolError("not_addressed" if me is None else "tampered", "no key of this reader opens the file")


def verify(sealed: Sealed, signature: bytes, body: bytes, sign_key: str) -> None:
    """Raises bad_signature unless the sender's public `sign_key` signed this header and body."""
    try:
        Ed25519PublicKey.from_public_bytes(unb64(sign_key, 32)).verify(
            signature, _SIGN_CONTEXT + sealed.header_bytes + b"\n" + body
        )
    except (InvalidSignature, ValueError):
        raise ProtocolError("bad_signature", "the file is not signed by its sender") from None
