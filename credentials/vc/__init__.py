"""Pure-Python core of the Open Badges 3.0 credentials (no Django, no network, no env reads).

Public API (everything the Django app needs):

Keys and identifiers
    ``generate_keypair() -> KeyPair``; ``KeyPair.public_multibase`` is the Multikey value.
    ``encrypt_private_key(kp, secret, key_id="") -> str`` / ``decrypt_private_key(token,
    secret, key_id="") -> KeyPair``: AES-256-GCM, key derived from ``secret`` (pass the value
    of your environment variable; the library never reads the environment).
    ``did_key_for(kp) -> "did:key:z6Mk..."``; ``did_key_verification_method(did)``;
    ``did_web_for(host, path="")``, ``did_web_to_url(did)``, ``did_web_path(did)``;
    ``did_web_document(did, [PublishedKey(mb), PublishedKey(old_mb, retired=True)])``.

Credentials
    ``build_achievement_credential(...)`` with ``IssuerProfile``, ``AchievementSpec``,
    ``Alignment``, ``EvidenceItem``; ``achievement_document(spec)`` (the Achievement alone,
    as served at its id); ``status_entry(list_credential_url=, index=, purpose=)``;
    ``validate_open_badge(cred) -> [SchemaProblem]``; ``matches_email(cred, email)``.
    ``sign_credential(cred, key, verification_method, cryptosuite="eddsa-rdfc-2022")``.

Status lists
    ``StatusList(size=131072)``: ``set/get``, ``encode()``, ``StatusList.decode(text)``,
    ``status_list_credential(list_id=, issuer=, purpose=)`` (sign it before publishing).

Baking
    ``bake_png(png_bytes, credential) -> bytes``; ``unbake_png(png_bytes) -> str``.

Verification
    ``verify_credential(data, resolver=None, now=None, email=None) -> VerificationResult``
    where ``data`` is a dict, JSON text/bytes or a baked PNG and ``resolver(url)`` returns
    the JSON (dict/str/bytes) of a DID document, controller document or status list
    credential. See docs/credentials/core-api.md.
"""

from .baking import bake_png, unbake_png
from .credential import (
    AchievementSpec,
    Alignment,
    EvidenceItem,
    IssuerProfile,
    SchemaProblem,
    achievement_document,
    build_achievement_credential,
    email_identity,
    identity_hash,
    matches_email,
    validate_open_badge,
)
from .errors import (
    BakingError,
    ContextError,
    CredentialError,
    KeyDecryptionError,
    KeyFormatError,
    ProofError,
    StatusListError,
    UnsafeJsonLdError,
)
from .keys import (
    KeyPair,
    PublishedKey,
    decrypt_private_key,
    did_key_for,
    did_key_verification_method,
    did_web_document,
    did_web_for,
    did_web_path,
    did_web_to_url,
    encrypt_private_key,
    generate_keypair,
    resolve_did_key,
)
from .proofs import JCS, RDFC, sign_credential, verify_proof
from .status import StatusList, read_status, status_entry
from .verify import (
    Check,
    Outcome,
    Resolver,
    Summary,
    Verdict,
    VerificationResult,
    verify_credential,
)

__all__ = [
    "JCS",
    "RDFC",
    "AchievementSpec",
    "Alignment",
    "BakingError",
    "Check",
    "ContextError",
    "CredentialError",
    "EvidenceItem",
    "IssuerProfile",
    "KeyDecryptionError",
    "KeyFormatError",
    "KeyPair",
    "Outcome",
    "ProofError",
    "PublishedKey",
    "Resolver",
    "SchemaProblem",
    "StatusList",
    "StatusListError",
    "Summary",
    "UnsafeJsonLdError",
    "Verdict",
    "VerificationResult",
    "achievement_document",
    "bake_png",
    "build_achievement_credential",
    "decrypt_private_key",
    "did_key_for",
    "did_key_verification_method",
    "did_web_document",
    "did_web_for",
    "did_web_path",
    "did_web_to_url",
    "email_identity",
    "encrypt_private_key",
    "generate_keypair",
    "identity_hash",
    "matches_email",
    "read_status",
    "resolve_did_key",
    "sign_credential",
    "status_entry",
    "unbake_png",
    "validate_open_badge",
    "verify_credential",
    "verify_proof",
]
