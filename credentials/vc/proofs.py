"""Data Integrity proofs with the EdDSA cryptosuites ``eddsa-rdfc-2022`` and
``eddsa-jcs-2022`` (W3C Data Integrity EdDSA Cryptosuites v1.0, sections 3.2 and 3.3).

Hash data is SHA-256(canonical proof configuration) || SHA-256(canonical document) (sections
3.2.4 / 3.3.4 "Hashing"); the signature is Ed25519 over those 64 bytes and ``proofValue`` is
its base58-btc multibase encoding.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from . import jsonld
from .errors import ProofError
from .keys import KeyPair, multibase_b58_decode, multibase_b58_encode

RDFC = "eddsa-rdfc-2022"
JCS = "eddsa-jcs-2022"
CRYPTOSUITES = (RDFC, JCS)
PROOF_TYPE = "DataIntegrityProof"

_DATETIME_RE = re.compile(
    r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$", re.ASCII
)


@dataclass(frozen=True)
class HashData:
    """Intermediate values of a proof, exposed so tests can compare them to the vectors."""

    canonical_proof_config: str
    canonical_document: str
    proof_config_hash: bytes
    document_hash: bytes

    @property
    def combined(self) -> bytes:
        """SHA-256(proof config) || SHA-256(document)."""
        return self.proof_config_hash + self.document_hash


_MAX_SAFE_INT = 2**53 - 1


def _plain_json(value: Any) -> bool:
    """True when ``json.dumps(sort_keys=True)`` output is, byte for byte, RFC 8785 output.

    That holds for documents without floats (RFC 8785 section 3.2.2.3 number formatting),
    with integers inside the IEEE 754 exact range, and whose object keys are all in the Basic
    Multilingual Plane without surrogates (RFC 8785 sorts keys by UTF-16 code units, Python by
    code points; the orders agree there). String escaping is the same (section 3.2.2.2:
    short escapes for backspace, tab, newline, form feed, carriage return; lowercase
    six-character escapes for the other control characters).
    """
    stack = [value]
    while stack:
        node = stack.pop()
        kind = type(node)  # exact types: subclasses (e.g. of float or str) take the slow path
        if kind is str or kind is bool or node is None:
            continue
        if kind is dict:
            for key in node:
                if type(key) is not str or (not key.isascii() and max(key) >= "\ud800"):
                    return False
            stack.extend(node.values())
        elif kind is list:
            stack.extend(node)
        elif kind is int:
            if not -_MAX_SAFE_INT <= node <= _MAX_SAFE_INT:
                return False
        else:
            return False
    return True


def _jcs(value: Any, *, plain: bool = False) -> str:
    """RFC 8785 canonical JSON. Uses the ``rfc8785`` package, or a plain JSON encoder with
    sorted keys where that is provably identical (see :func:`_plain_json`; equivalence is
    tested): orjson (about twenty times faster than rfc8785), else the standard library's.
    ``plain=True``: the caller has established :func:`_plain_json` already."""
    if plain or _plain_json(value):
        try:
            # orjson writes UTF-8 without spaces, escapes exactly as RFC 8785 section
            # 3.2.2.2 for these documents and sorts keys by code point; it refuses lone
            # surrogates and nesting deeper than 254 levels, which the fallbacks handle.
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode("utf-8")
        except orjson.JSONEncodeError:
            pass
        try:
            text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            text.encode("utf-8")  # lone surrogates: let rfc8785 report them
            return text
        except (UnicodeEncodeError, RecursionError):
            pass
    try:
        return rfc8785.dumps(value).decode("utf-8")
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise ProofError(f"document cannot be JCS-canonicalized: {exc}") from exc


def hash_data(
    unsecured: Mapping[str, Any],
    proof_config: Mapping[str, Any],
    cryptosuite: str,
    *,
    plain_json: bool = False,
) -> HashData:
    """Transform and hash a document and a proof configuration for ``cryptosuite``.

    ``plain_json=True`` says the document holds no float, no integer beyond 2**53 and no
    object key from U+D800 up (the verifier learns it while parsing), which spares the JCS
    transformation one walk over the document.
    """
    if cryptosuite == RDFC:
        canon_config = jsonld.canonize(proof_config)
        canon_doc = jsonld.canonize(unsecured)
    elif cryptosuite == JCS:
        canon_config = _jcs(proof_config)
        canon_doc = _jcs(unsecured, plain=plain_json)
    else:
        raise ProofError(f"unsupported cryptosuite {cryptosuite!r}", code="proof_unsupported")
    try:
        config_bytes, doc_bytes = canon_config.encode("utf-8"), canon_doc.encode("utf-8")
    except UnicodeEncodeError as exc:  # lone surrogates from "\udxxx" escapes
        raise ProofError(
            "the document contains invalid Unicode text", code="proof_malformed"
        ) from exc
    return HashData(
        canon_config,
        canon_doc,
        hashlib.sha256(config_bytes).digest(),
        hashlib.sha256(doc_bytes).digest(),
    )


def _format_created(created: datetime | str | None) -> str:
    if created is None:
        created = datetime.now(UTC)
    if isinstance(created, datetime):
        if created.tzinfo is None:
            raise ValueError("created must be an aware datetime")
        return created.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    return created


def proof_configuration(
    document: Mapping[str, Any],
    verification_method: str,
    cryptosuite: str,
    *,
    created: datetime | str | None = None,
    proof_purpose: str = "assertionMethod",
    proof_id: str | None = None,
) -> dict[str, Any]:
    """The proof options for a new proof, with the document's ``@context`` (section 3.x.5)."""
    config: dict[str, Any] = {"type": PROOF_TYPE}
    if proof_id is not None:
        config["id"] = proof_id
    config |= {
        "cryptosuite": cryptosuite,
        "created": _format_created(created),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if "@context" in document:
        config["@context"] = copy.deepcopy(document["@context"])
    return config


def sign_credential(
    credential: Mapping[str, Any],
    key: KeyPair,
    verification_method: str,
    cryptosuite: str = RDFC,
    *,
    created: datetime | str | None = None,
    proof_purpose: str = "assertionMethod",
    proof_id: str | None = None,
) -> dict[str, Any]:
    """Return a copy of ``credential`` with a DataIntegrityProof added.

    An existing ``proof`` is kept and the new one appended (a proof set); the new proof signs
    the document without any existing proofs (Data Integrity 1.0, section 4.2).
    """
    if cryptosuite not in CRYPTOSUITES:
        raise ProofError(f"unsupported cryptosuite {cryptosuite!r}", code="proof_unsupported")
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    config = proof_configuration(
        unsecured,
        verification_method,
        cryptosuite,
        created=created,
        proof_purpose=proof_purpose,
        proof_id=proof_id,
    )
    data = hash_data(unsecured, config, cryptosuite)
    signature = key.private_key.sign(data.combined)
    proof = dict(config)
    if cryptosuite == RDFC:
        # eddsa-rdfc-2022 proofs in the wild (and the spec examples) carry no @context: the
        # document's context covers the proof graph.
        proof.pop("@context", None)
    proof["proofValue"] = multibase_b58_encode(signature)
    secured = copy.deepcopy(dict(credential))
    existing = secured.get("proof")
    if existing is None:
        secured["proof"] = proof
    else:
        secured["proof"] = [*(existing if isinstance(existing, list) else [existing]), proof]
    return secured


def check_proof_shape(proof: Mapping[str, Any]) -> str:
    """Check type, cryptosuite, created, purpose and method of a proof; return the suite."""
    if proof.get("type") != PROOF_TYPE:
        kind = f"{proof.get('type')}"[:100]
        raise ProofError(f"unsupported proof type {kind}", code="proof_unsupported", value=kind)
    suite = proof.get("cryptosuite")
    if suite not in CRYPTOSUITES:
        name = f"{suite}"[:100]
        raise ProofError(f"unsupported cryptosuite {name}", code="proof_unsupported", value=name)
    created = proof.get("created")
    if created is not None and not (isinstance(created, str) and _DATETIME_RE.match(created)):
        raise ProofError("proof 'created' is not an XML Schema dateTime", code="proof_malformed")
    if proof.get("proofPurpose") != "assertionMethod":
        purpose = f"{proof.get('proofPurpose')}"[:100]
        raise ProofError(
            f"proof purpose {purpose} is not assertionMethod", code="proof_purpose", value=purpose
        )
    if not isinstance(proof.get("verificationMethod"), str):
        raise ProofError("proof has no verificationMethod", code="proof_malformed")
    return suite


def verify_proof(
    secured: Mapping[str, Any],
    proof: Mapping[str, Any],
    public_key: Ed25519PublicKey,
    *,
    plain_json: bool = False,
) -> HashData:
    """Verify one proof of ``secured`` with ``public_key``; :class:`ProofError` if invalid.

    ``plain_json``: see :func:`hash_data` (true of the whole secured document, hence of the
    document without its proofs and of a proof's ``@context``).

    Codes: ``proof_unsupported``, ``proof_malformed``, ``proof_purpose``,
    ``proof_context_mismatch``, ``proof_signature`` (signature does not match: the document
    or the proof options were changed, or the wrong key).
    """
    suite = check_proof_shape(proof)
    try:
        signature = multibase_b58_decode(proof.get("proofValue", ""))
    except Exception as exc:  # KeyFormatError, wrong type
        raise ProofError("proofValue is not base58-btc multibase", code="proof_malformed") from exc
    if len(signature) != 64:
        raise ProofError("proofValue is not a 64-byte Ed25519 signature", code="proof_malformed")
    unsecured = {k: v for k, v in secured.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    doc_ctx = secured.get("@context")
    if "@context" in options:
        proof_ctx = options["@context"]
        proof_list = proof_ctx if isinstance(proof_ctx, list) else [proof_ctx]
        doc_list = doc_ctx if isinstance(doc_ctx, list) else [doc_ctx]
        # eddsa-jcs-2022 section 3.3.2 step 3: the document context must start with the
        # proof's context.
        if doc_list[: len(proof_list)] != proof_list:
            raise ProofError(
                "the proof's @context does not match the document's",
                code="proof_context_mismatch",
            )
        if suite == JCS:
            unsecured["@context"] = proof_ctx
    elif doc_ctx is not None:
        options["@context"] = doc_ctx
    if suite == RDFC:
        options["@context"] = doc_ctx
    data = hash_data(unsecured, options, suite, plain_json=plain_json)
    try:
        public_key.verify(signature, data.combined)
    except InvalidSignature:
        raise ProofError(
            "the signature does not match the credential: it was changed after signing, "
            "or signed with another key",
            code="proof_signature",
        ) from None
    return data


def is_xsd_datetime(value: Any) -> bool:
    """True for an XML Schema dateTime string (used for validFrom/validUntil/created)."""
    return isinstance(value, str) and bool(_DATETIME_RE.match(value))
