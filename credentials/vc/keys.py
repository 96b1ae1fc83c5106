"""Ed25519 keys, Multikey encoding, did:key, did:web documents, keys encrypted at rest.

Multikey (Controlled Identifiers 1.0, section 2.2.2): ``publicKeyMultibase`` is the
base58-btc multibase (prefix ``z``) of the multicodec header ``0xed 0x01`` followed by the 32
raw public key bytes; ``secretKeyMultibase`` uses header ``0x80 0x26`` and the 32-byte seed.
"""

from __future__ import annotations

import base64
import functools
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import base58
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .errors import KeyDecryptionError, KeyFormatError

ED25519_PUB_HEADER = b"\xed\x01"
ED25519_PRIV_HEADER = b"\x80\x26"
DID_V1_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"


def multibase_b58_encode(data: bytes) -> str:
    """Multibase base58-btc (``z`` prefix)."""
    return "z" + base58.b58encode(data).decode("ascii")


def multibase_b58_decode(value: str) -> bytes:
    """Decode a ``z``-prefixed base58-btc multibase string; :class:`KeyFormatError` if not."""
    if not isinstance(value, str) or not value.startswith("z") or len(value) > 256:
        raise KeyFormatError(f"not a base58-btc multibase value: {value!r:.80}")
    text = value[1:]
    digits = text.lstrip("1")  # each leading "1" stands for one zero byte
    try:
        number = base58.b58decode_int(digits) if digits else 0
    except ValueError as exc:
        raise KeyFormatError(f"invalid base58-btc in {value!r:.80}") from exc
    # int.to_bytes instead of base58.b58decode's byte-by-byte divmod loop: four times faster
    # for a 64-byte signature, same result (a test compares them).
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(digits)) + body


def public_key_to_multikey(public_key: Ed25519PublicKey) -> str:
    """Encode an Ed25519 public key as a Multikey ``publicKeyMultibase`` (``z6Mk...``)."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return multibase_b58_encode(ED25519_PUB_HEADER + raw)


@functools.lru_cache(maxsize=1024)
def multikey_to_public_key(value: str) -> Ed25519PublicKey:
    """Decode a Multikey ``publicKeyMultibase``; only Ed25519 (``0xed01``) is supported.

    Cached: issuers have few keys and public key objects are immutable.
    """
    data = multibase_b58_decode(value)
    if data[:2] != ED25519_PUB_HEADER or len(data) != 34:
        raise KeyFormatError(f"not an Ed25519 Multikey public key: {value!r:.80}")
    return Ed25519PublicKey.from_public_bytes(data[2:])


def private_key_to_multikey(private_key: Ed25519PrivateKey) -> str:
    """Encode an Ed25519 private key (seed) as a Multikey ``secretKeyMultibase``."""
    raw = private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return multibase_b58_encode(ED25519_PRIV_HEADER + raw)


def multikey_to_private_key(value: str) -> Ed25519PrivateKey:
    """Decode a Multikey ``secretKeyMultibase`` (``0x8026`` + 32-byte seed)."""
    data = multibase_b58_decode(value)
    if data[:2] != ED25519_PRIV_HEADER or len(data) != 34:
        raise KeyFormatError("not an Ed25519 Multikey secret key")
    return Ed25519PrivateKey.from_private_bytes(data[2:])


@dataclass(frozen=True)
class KeyPair:
    """An Ed25519 key pair; ``public_multibase`` is its Multikey encoding (``z6Mk...``)."""

    private_key: Ed25519PrivateKey
    public_key: Ed25519PublicKey
    public_multibase: str

    def __repr__(self) -> str:  # never show private material in logs or tracebacks
        return f"KeyPair(public_multibase={self.public_multibase!r})"

    @classmethod
    def from_private_key(cls, private_key: Ed25519PrivateKey) -> KeyPair:
        """Wrap an existing private key."""
        public = private_key.public_key()
        return cls(private_key, public, public_key_to_multikey(public))

    @classmethod
    def from_seed(cls, seed: bytes) -> KeyPair:
        """Build from the 32-byte Ed25519 seed."""
        return cls.from_private_key(Ed25519PrivateKey.from_private_bytes(seed))

    @classmethod
    def from_secret_multibase(cls, value: str) -> KeyPair:
        """Build from a Multikey ``secretKeyMultibase``."""
        return cls.from_private_key(multikey_to_private_key(value))

    def seed(self) -> bytes:
        """The raw 32-byte private seed (handle with care)."""
        return self.private_key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )


def generate_keypair() -> KeyPair:
    """Generate a fresh Ed25519 key pair."""
    return KeyPair.from_private_key(Ed25519PrivateKey.generate())


# --- encryption at rest ------------------------------------------------------------------

_ENC_PREFIX = "ed25519-aesgcm-v1:"


def _derive_kek(secret: str | bytes, salt: bytes) -> bytes:
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    if len(secret) < 16:
        raise KeyDecryptionError("the key-encryption secret must be at least 16 bytes long")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"credentials.vc private key")
    return hkdf.derive(secret)


def encrypt_private_key(keypair: KeyPair, secret: str | bytes, *, key_id: str = "") -> str:
    """Encrypt the private seed with AES-256-GCM under a key derived (HKDF-SHA256) from
    ``secret``; ``key_id`` (e.g. the verification method id) is bound as associated data.

    Returns an ASCII token safe to store in a database column.
    """
    salt = os.urandom(16)
    nonce = os.urandom(12)
    aead = AESGCM(_derive_kek(secret, salt))
    ciphertext = aead.encrypt(nonce, keypair.seed(), key_id.encode("utf-8"))
    blob = base64.urlsafe_b64encode(salt + nonce + ciphertext).decode("ascii")
    return _ENC_PREFIX + blob


def decrypt_private_key(token: str, secret: str | bytes, *, key_id: str = "") -> KeyPair:
    """Inverse of :func:`encrypt_private_key`; :class:`KeyDecryptionError` on any mismatch."""
    if not isinstance(token, str) or not token.startswith(_ENC_PREFIX):
        raise KeyDecryptionError("not an encrypted private key token")
    try:
        blob = base64.urlsafe_b64decode(token[len(_ENC_PREFIX) :].encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise KeyDecryptionError("encrypted private key token is corrupted") from exc
    if len(blob) != 16 + 12 + 32 + 16:
        raise KeyDecryptionError("encrypted private key token has the wrong length")
    salt, nonce, ciphertext = blob[:16], blob[16:28], blob[28:]
    try:
        seed = AESGCM(_derive_kek(secret, salt)).decrypt(nonce, ciphertext, key_id.encode())
    except InvalidTag as exc:
        raise KeyDecryptionError("wrong secret or tampered encrypted private key") from exc
    return KeyPair.from_seed(seed)


# --- did:key -------------------------------------------------------------------------------


def did_key_for(public: KeyPair | Ed25519PublicKey | str) -> str:
    """The ``did:key`` DID of an Ed25519 key (did:key method, section 3.1)."""
    if isinstance(public, KeyPair):
        mb = public.public_multibase
    elif isinstance(public, str):
        multikey_to_public_key(public)  # validate
        mb = public
    else:
        mb = public_key_to_multikey(public)
    return f"did:key:{mb}"


def did_key_verification_method(did: str) -> str:
    """The verification method id of a did:key DID (``did:key:z..#z...``)."""
    return f"{did}#{did.removeprefix('did:key:')}"


def resolve_did_key(did: str) -> dict[str, Any]:
    """Resolve a ``did:key`` (Ed25519 only) to its DID document, offline.

    Accepts the DID with or without a fragment; :class:`KeyFormatError` if malformed.
    """
    did = did.split("#", 1)[0]
    if not did.startswith("did:key:"):
        raise KeyFormatError(f"not a did:key DID: {did!r:.80}")
    mb = did.removeprefix("did:key:")
    multikey_to_public_key(mb)
    vm_id = f"{did}#{mb}"
    return {
        "@context": [DID_V1_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": [
            {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": mb}
        ],
        "authentication": [vm_id],
        "assertionMethod": [vm_id],
        "capabilityDelegation": [vm_id],
        "capabilityInvocation": [vm_id],
    }


# --- did:web -------------------------------------------------------------------------------


def did_web_for(host: str, path: str = "") -> str:
    """Build a did:web DID from a host (with optional port) and an optional path.

    did:web section 3.2: the port colon is percent-encoded, path segments join with ``:``.
    """
    did = "did:web:" + quote(host.lower(), safe="")
    segments = [s for s in path.strip("/").split("/") if s]
    for seg in segments:
        did += ":" + quote(seg, safe="")
    return did


# A host name (or IPv4 address) with an optional port; path segments without separators.
_HOST_RE = re.compile(r"[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?(?::[0-9]{1,5})?", re.IGNORECASE)
_SEGMENT_RE = re.compile(r"[^/?#\\\s]{1,200}")


def did_web_to_url(did: str) -> str:
    """Map a did:web DID to the HTTPS URL of its DID document (did:web section 3.2, Read).

    ``did:web:example.com`` -> ``https://example.com/.well-known/did.json``;
    ``did:web:example.com:u:alice`` -> ``https://example.com/u/alice/did.json``.
    """
    did = did.split("#", 1)[0]
    if len(did) <= 512:  # issuers' DIDs are few and short: remember them, not hostile input
        return _did_web_url(did)
    return _did_web_url.__wrapped__(did)


@functools.lru_cache(maxsize=1024)
def _did_web_url(did: str) -> str:
    if not did.startswith("did:web:"):
        raise KeyFormatError(f"not a did:web DID: {did!r:.80}")
    parts = did.removeprefix("did:web:").split(":")
    host = unquote(parts[0])
    if not _HOST_RE.fullmatch(host) or any(not p for p in parts):
        raise KeyFormatError(f"malformed did:web DID: {did!r:.80}")
    segments = [unquote(p) for p in parts[1:]]
    if any(seg in (".", "..") or not _SEGMENT_RE.fullmatch(seg) for seg in segments):
        raise KeyFormatError(f"malformed did:web DID: {did!r:.80}")
    path = "/".join(segments)
    if path:
        return f"https://{host}/{path}/did.json"
    return f"https://{host}/.well-known/did.json"


def did_web_path(did: str) -> str:
    """The URL path (``/.well-known/did.json`` or ``/a/b/did.json``) the site must serve."""
    return urlsplit(did_web_to_url(did)).path


@dataclass(frozen=True)
class PublishedKey:
    """A public key to list in a DID document; ``retired`` keys stay listed for old proofs."""

    public_multibase: str
    retired: bool = False
    key_id: str | None = None  # fragment; defaults to the multibase value


def did_web_document(did: str, keys: Iterable[PublishedKey | KeyPair | str]) -> dict[str, Any]:
    """Build the DID document for ``did`` listing every key as a Multikey method.

    All keys (current and retired) stay in ``verificationMethod`` and ``assertionMethod`` so
    credentials signed before a rotation still verify; the issuer simply stops signing with
    retired keys. Only public material is included.
    """
    methods = []
    for key in keys:
        if isinstance(key, KeyPair):
            key = PublishedKey(key.public_multibase)
        elif isinstance(key, str):
            key = PublishedKey(key)
        multikey_to_public_key(key.public_multibase)  # refuse anything that is not a key
        fragment = key.key_id or key.public_multibase
        methods.append(
            {
                "id": f"{did}#{fragment}",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": key.public_multibase,
            }
        )
    ids = [m["id"] for m in methods]
    return {
        "@context": [DID_V1_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }


def find_verification_method(
    document: Mapping[str, Any], vm_id: str, relationship: str = "assertionMethod"
) -> tuple[Ed25519PublicKey, str]:
    """Find ``vm_id`` in a DID/controller document and return (public key, controller).

    The method must be authorised for ``relationship`` (listed there by id or embedded).
    Multikey and Ed25519VerificationKey2020 (same ``publicKeyMultibase`` encoding) are read.
    """
    doc_id = document.get("id")

    def absolute(ref: Any) -> Any:
        if isinstance(ref, str) and ref.startswith("#") and isinstance(doc_id, str):
            return doc_id + ref
        return ref

    candidates: list[Mapping[str, Any]] = []
    for vm in document.get("verificationMethod", []) or []:
        if isinstance(vm, Mapping):
            candidates.append(vm)
    authorised = set()
    for entry in document.get(relationship, []) or []:
        if isinstance(entry, str):
            authorised.add(absolute(entry))
        elif isinstance(entry, Mapping):
            candidates.append(entry)
            authorised.add(absolute(entry.get("id")))
    for vm in candidates:
        if absolute(vm.get("id")) != vm_id:
            continue
        if vm_id not in authorised:
            raise KeyFormatError(f"verification method {vm_id} is not listed in {relationship}")
        if vm.get("type") not in ("Multikey", "Ed25519VerificationKey2020"):
            raise KeyFormatError(f"unsupported verification method type {vm.get('type')!r}")
        key = multikey_to_public_key(vm.get("publicKeyMultibase", ""))
        controller = vm.get("controller") or doc_id
        return key, str(controller)
    raise KeyFormatError(f"verification method {vm_id} not found in the controller document")
