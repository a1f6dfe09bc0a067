"""The encrypted backup file (desktop/backup.py makes, checks and restores them): the keys, the file format,
encryption and decryption. The design is in desktop/backup.py's docstring and docs/DESIGN.md §2."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
import struct
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from desktop.errors import DostyqError
from desktop.i18n import N_

Progress = Callable[[int, int], None]

MAGIC = b"DOSTYQBK"
VERSION = 1
CHUNK = 1 << 20
FINAL = 1 << 31
# scrypt cost of a new set-up (about 32 MB and a tenth of a second); a file may say less, never more than MAX_N.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 1 << 15, 8, 1
MAX_SCRYPT_N = 1 << 20
RECOVERY_BYTES = 20  # 160 bits: 32 base32 characters, shown as 8 groups of 4


class BackupTooNew(DostyqError):
    template = N_(
        "The backup {path} was made by a newer version of Dostyq (schema {found}, this version knows {known}). "
        "Update Dostyq first."
    )


class WrongSecret(DostyqError):
    template = N_("This password or recovery key does not open the backup {path}.")


class BackupDamaged(DostyqError):
    template = N_("The backup {path} is damaged or incomplete and cannot be used.")


class NotABackup(DostyqError):
    template = N_("The file {path} is not a Dostyq backup.")


# ---- keys -----------------------------------------------------------------------------------------------------
def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise TypeError("not base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def format_recovery_key(raw: bytes) -> str:
    text = base64.b32encode(raw).decode("ascii").rstrip("=")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse_recovery_key(text: str) -> bytes | None:
    """The key's bytes if `text` has the shape of a recovery key (spaces, dashes and case do not matter)."""
    compact = re.sub(r"[\s-]", "", text).upper()
    if len(compact) != 32 or not re.fullmatch(r"[A-Z2-7]+", compact):
        return None
    return base64.b32decode(compact)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(password.encode("utf-8"))


def _hkdf(key: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(key)


def _wrap_aad(public: bytes) -> bytes:
    return b"dostyq-backup-secret\x00" + public


def _new_keys(password: str, recovery: bytes) -> dict:
    private = X25519PrivateKey.generate()
    public = private.public_key().public_bytes_raw()
    auth = secrets.token_bytes(32)
    secret = private.private_bytes_raw() + auth
    salt, rsalt = secrets.token_bytes(16), secrets.token_bytes(16)
    by_password = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    by_recovery = _hkdf(recovery, rsalt, b"dostyq-backup-recovery")
    n1, n2 = secrets.token_bytes(12), secrets.token_bytes(12)
    return {
        "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": _b64(salt)},
        "public": _b64(public),
        "auth": _b64(auth),  # kept locally only: never written into a backup file
        "wrapped_by_password": _b64(n1 + AESGCM(by_password).encrypt(n1, secret, _wrap_aad(public))),
        "recovery_salt": _b64(rsalt),
        "wrapped_by_recovery": _b64(n2 + AESGCM(by_recovery).encrypt(n2, secret, _wrap_aad(public))),
    }


def _unwrap(header: dict, secret_text: str, shown: str) -> tuple[bytes, bytes]:
    """(private key, authentication key) from the header's wrapped copies, with a password or recovery key."""
    try:
        public = _unb64(header["public"])
        candidates: list[tuple[bytes, str]] = []
        raw = parse_recovery_key(secret_text)
        if raw is not None:
            kek = _hkdf(raw, _unb64(header["recovery_salt"]), b"dostyq-backup-recovery")
            candidates.append((kek, "wrapped_by_recovery"))
        kdf = header["kdf"]
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
        if (
            kdf["name"] != "scrypt"
            or not (2 <= n <= MAX_SCRYPT_N)
            or not (1 <= r <= 32)
            or not (1 <= p <= 16)
        ):
            raise ValueError("unknown key derivation")
        candidates.append((_scrypt(secret_text, _unb64(kdf["salt"]), n, r, p), "wrapped_by_password"))
        for kek, field in candidates:
            blob = _unb64(header[field])
            try:
                secret = AESGCM(kek).decrypt(blob[:12], blob[12:], _wrap_aad(public))
            except InvalidTag:
                continue
            if len(secret) != 64:
                raise ValueError("bad secret length")
            return secret[:32], secret[32:]
    except (KeyError, ValueError, TypeError) as exc:
        raise BackupDamaged(path=shown) from exc
    raise WrongSecret(path=shown)


def _file_key(shared: bytes, auth: bytes, ephemeral: bytes, public: bytes) -> bytes:
    return _hkdf(shared, auth, b"dostyq-backup-file-v1\x00" + ephemeral + public)


# ---- file format ----------------------------------------------------------------------------------------------
def _nonce(counter: int, final: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


def _encrypt_file(src: Path, dst: Path, keys: dict, progress: Progress | None = None) -> tuple[bytes, bytes]:
    """Writes `src` encrypted to `dst`. Returns (file key, SHA-256 of the plaintext) for the check that follows."""
    public = _unb64(keys["public"])
    ephemeral = X25519PrivateKey.generate()
    eph_public = ephemeral.public_key().public_bytes_raw()
    key = _file_key(
        ephemeral.exchange(X25519PublicKey.from_public_bytes(public)),
        _unb64(keys["auth"]),
        eph_public,
        public,
    )
    header = {
        k: keys[k] for k in ("kdf", "public", "wrapped_by_password", "recovery_salt", "wrapped_by_recovery")
    }
    header.update(ephemeral=_b64(eph_public), chunk=CHUNK)
    head = _header_bytes(header)
    aad = hashlib.sha256(head).digest()
    aead = AESGCM(key)
    digest = hashlib.sha256()
    total = src.stat().st_size
    done = 0
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        fout.write(head)
        counter = 0
        block = fin.read(CHUNK)
        while True:
            following = fin.read(CHUNK)
            final = not following
            digest.update(block)
            sealed = aead.encrypt(_nonce(counter, final), block, aad)
            fout.write(struct.pack(">I", len(sealed) | (FINAL if final else 0)))
            fout.write(sealed)
            done += len(block)
            if progress:
                progress(done, total)
            if final:
                break
            block, counter = following, counter + 1
        fout.flush()
        os.fsync(fout.fileno())
    return key, digest.digest()


def _header_bytes(header: dict) -> bytes:
    body = json.dumps(header, sort_keys=True).encode("utf-8")
    return MAGIC + bytes([VERSION]) + struct.pack(">I", len(body)) + body


def _read_header(fh: IO[bytes], shown: str) -> tuple[dict, bytes]:
    start = fh.read(len(MAGIC) + 1 + 4)
    if len(start) < len(MAGIC) or start[: len(MAGIC)] != MAGIC:
        raise NotABackup(path=shown)
    if len(start) < len(MAGIC) + 5:
        raise BackupDamaged(path=shown)
    if start[len(MAGIC)] != VERSION:
        raise BackupTooNew(path=shown, found=f"v{start[len(MAGIC)]}", known=f"v{VERSION}")
    (length,) = struct.unpack(">I", start[-4:])
    if length > 1 << 16:
        raise BackupDamaged(path=shown)
    body = fh.read(length)
    try:
        if len(body) != length:
            raise ValueError("short header")
        header = json.loads(body.decode("utf-8"))
        if not isinstance(header, dict):
            raise TypeError("header is not an object")
    except (ValueError, TypeError) as exc:
        raise BackupDamaged(path=shown) from exc
    return header, hashlib.sha256(start + body).digest()


def _decrypt_body(fh: IO[bytes], key: bytes, aad: bytes, out: IO[bytes], shown: str, progress=None) -> bytes:
    """Decrypts every chunk into `out`; returns the SHA-256 of the plaintext. A missing final chunk, a changed or
    extra byte raises BackupDamaged."""
    aead = AESGCM(key)
    digest = hashlib.sha256()
    counter = 0
    size = os.fstat(fh.fileno()).st_size
    while True:
        prefix = fh.read(4)
        if len(prefix) != 4:
            raise BackupDamaged(path=shown)  # ended before the final chunk: truncated
        (word,) = struct.unpack(">I", prefix)
        final, length = bool(word & FINAL), word & ~FINAL
        if length > CHUNK + 16:
            raise BackupDamaged(path=shown)
        sealed = fh.read(length)
        if len(sealed) != length:
            raise BackupDamaged(path=shown)
        try:
            block = aead.decrypt(_nonce(counter, final), sealed, aad)
        except InvalidTag as exc:
            raise BackupDamaged(path=shown) from exc
        digest.update(block)
        out.write(block)
        if progress:
            progress(fh.tell(), size)
        if final:
            if fh.read(1):
                raise BackupDamaged(path=shown)  # bytes after the final chunk
            return digest.digest()
        counter += 1


def _open_with_secret(path: Path, secret_text: str, out: Path, progress=None) -> None:
    """Decrypts the backup `path` into the file `out` with the password or the recovery key."""
    shown = str(path)
    try:
        with open(path, "rb") as fh:
            header, aad = _read_header(fh, shown)
            private, auth = _unwrap(header, secret_text, shown)
            try:
                ephemeral, public = _unb64(header["ephemeral"]), _unb64(header["public"])
                shared = X25519PrivateKey.from_private_bytes(private).exchange(
                    X25519PublicKey.from_public_bytes(ephemeral)
                )
            except (KeyError, ValueError) as exc:
                raise BackupDamaged(path=shown) from exc
            key = _file_key(shared, auth, ephemeral, public)
            with open(out, "wb") as fout:
                _decrypt_body(fh, key, aad, fout, shown, progress)
    except FileNotFoundError as exc:
        raise BackupDamaged(path=shown) from exc
    except IsADirectoryError as exc:
        raise NotABackup(path=shown) from exc


# ---- making a backup ------------------------------------------------------------------------------------------
