"""Bitstring Status List v1.0.

Section 4.1: the list is at least 131,072 bits (16 KB) long so that one credential's status
cannot be told apart from the others' by list size; ``encodedList`` is the GZIP-compressed
bitstring, base64url-encoded without padding, with the multibase prefix ``u``. Index 0 is the
most significant (left-most) bit of the first byte (section 3.2, step 5 of validation).
"""

from __future__ import annotations

import base64
import binascii
import copy
import gzip
import threading
import zlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from cachetools import LRUCache

from .errors import StatusListError
from .jsonld import VC_V2_CONTEXT

MIN_ENTRIES = 131_072
# A 16 KB list gzips to well under 1 KB; refuse to inflate beyond 16 MB (134 million entries)
# so a hostile status list cannot exhaust memory.
MAX_DECODED_BYTES = 16 * 1024 * 1024
STATUS_PURPOSES = ("revocation", "suspension", "refresh", "message")


class StatusList:
    """A mutable bitstring of credential statuses (1 = revoked / suspended)."""

    def __init__(self, size: int = MIN_ENTRIES, *, bits: bytes | bytearray | None = None) -> None:
        if bits is not None:
            size = len(bits) * 8
        if size < MIN_ENTRIES or size % 8:
            raise StatusListError(
                f"a status list needs at least {MIN_ENTRIES} entries, a multiple of 8; got {size}"
            )
        self._bits = bytearray(bits) if bits is not None else bytearray(size // 8)

    def __len__(self) -> int:
        return len(self._bits) * 8

    def _locate(self, index: int) -> tuple[int, int]:
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(self):
            raise StatusListError(f"status list index {index!r} is out of range 0..{len(self) - 1}")
        return index // 8, 7 - index % 8

    def get(self, index: int) -> bool:
        """True if the bit at ``index`` is set."""
        byte, shift = self._locate(index)
        return bool(self._bits[byte] >> shift & 1)

    def set(self, index: int, value: bool = True) -> None:
        """Set (or clear) the bit at ``index``."""
        byte, shift = self._locate(index)
        if value:
            self._bits[byte] |= 1 << shift
        else:
            self._bits[byte] &= ~(1 << shift) & 0xFF

    def to_bytes(self) -> bytes:
        """The raw bitstring."""
        return bytes(self._bits)

    def encode(self) -> str:
        """The ``encodedList`` value: ``u`` + base64url(no padding) of GZIP(bitstring).

        ``mtime=0`` makes the output deterministic, so republishing an unchanged list yields
        identical bytes (and the same HTTP ETag).
        """
        compressed = gzip.compress(bytes(self._bits), compresslevel=9, mtime=0)
        return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")

    @classmethod
    def decode(cls, encoded: str) -> StatusList:
        """Parse an ``encodedList``; :class:`StatusListError` if malformed or too short."""
        if not isinstance(encoded, str) or not encoded.startswith("u"):
            raise StatusListError("encodedList must be a 'u' (base64url) multibase string")
        body = encoded[1:]
        try:
            compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except (binascii.Error, ValueError) as exc:
            raise StatusListError("encodedList is not valid base64url") from exc
        bits = _bounded_gunzip(compressed, MAX_DECODED_BYTES)
        return cls(bits=bits)

    def status_list_credential(
        self,
        *,
        list_id: str,
        issuer: str | Mapping[str, Any],
        purpose: str,
        valid_from: datetime | str | None = None,
        valid_until: datetime | str | None = None,
    ) -> dict[str, Any]:
        """An unsigned BitstringStatusListCredential for this list (section 2.2).

        Sign the result with :func:`credentials.vc.sign_credential` before publishing.
        """
        if purpose not in STATUS_PURPOSES:
            raise StatusListError(f"unknown status purpose {purpose!r}")
        credential: dict[str, Any] = {
            "@context": [VC_V2_CONTEXT],
            "id": list_id,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": copy.deepcopy(issuer),
            "credentialSubject": {
                "id": f"{list_id}#list",
                "type": "BitstringStatusList",
                "statusPurpose": purpose,
                "encodedList": self.encode(),
            },
        }
        for key, value in (("validFrom", valid_from), ("validUntil", valid_until)):
            if value is not None:
                credential[key] = _iso(value)
        return credential


def _iso(value: datetime | str) -> str:
    if isinstance(value, str):
        return value
    if value.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    return value.isoformat().replace("+00:00", "Z")


def _bounded_gunzip(data: bytes, limit: int) -> bytes:
    """GZIP-decompress at most ``limit`` bytes (protects against decompression bombs)."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise StatusListError("encodedList is not valid GZIP data") from exc
    if len(out) > limit or inflater.unconsumed_tail:
        raise StatusListError(f"status list expands beyond {limit} bytes")
    if not inflater.eof:
        raise StatusListError("encodedList GZIP data is truncated")
    return out


def status_entry(
    *, list_credential_url: str, index: int, purpose: str = "revocation"
) -> dict[str, Any]:
    """A ``BitstringStatusListEntry`` for a credential's ``credentialStatus`` (section 2.1)."""
    if purpose not in STATUS_PURPOSES:
        raise StatusListError(f"unknown status purpose {purpose!r}")
    if index < 0:
        raise StatusListError("status list index must be >= 0")
    return {
        "id": f"{list_credential_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_credential_url,
    }


def read_status(entry: Mapping[str, Any], list_credential: Mapping[str, Any]) -> bool:
    """Return the status bit for ``entry`` in an (already verified) status list credential.

    Checks that the list's ``statusPurpose`` matches the entry's (section 3.2 step 8).
    """
    subject = list_credential.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    if not isinstance(subject, Mapping) or subject.get("type") not in (
        "BitstringStatusList",
        ["BitstringStatusList"],
    ):
        raise StatusListError("status list credential has no BitstringStatusList subject")
    purposes = subject.get("statusPurpose")
    purposes = purposes if isinstance(purposes, list) else [purposes]
    if entry.get("statusPurpose") not in purposes:
        raise StatusListError(
            f"status purpose {entry.get('statusPurpose')!r} does not match the list's {purposes}"
        )
    raw_index = entry.get("statusListIndex")
    try:
        index = int(raw_index)  # the spec types it as a string; some issuers use a number
    except (TypeError, ValueError) as exc:
        raise StatusListError(f"statusListIndex {raw_index!r} is not an integer") from exc
    return _decoded(subject.get("encodedList")).get(index)


_decoded_lists: LRUCache = LRUCache(maxsize=64)
_decoded_lock = threading.Lock()


def _decoded(encoded: Any) -> StatusList:
    """Decode an ``encodedList``, remembering recent ones: one list serves many credentials
    and is only ever read here, so the decoded copy can be shared."""
    if not isinstance(encoded, str):
        raise StatusListError("encodedList must be a string")
    with _decoded_lock:
        hit = _decoded_lists.get(encoded)
    if hit is None:
        hit = StatusList.decode(encoded)
        with _decoded_lock:
            _decoded_lists[encoded] = hit
    return hit
