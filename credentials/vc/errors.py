"""Exceptions raised by the credentials core.

Every exception carries a stable ``code`` so callers (the verifier, the Django views) can map
it to a bilingual message from :mod:`credentials.vc.messages`.
"""

from __future__ import annotations


class CredentialError(Exception):
    """Base class: ``code`` is a stable identifier, ``detail`` a developer-facing text and
    ``value`` the data a user-facing message may show."""

    code = "error"

    def __init__(self, detail: str, *, code: str | None = None, value: str = "") -> None:
        super().__init__(detail)
        self.detail = detail
        # data for the user-facing message (a URL, term names...), never English prose
        self.value = value
        if code is not None:
            self.code = code


class ContextError(CredentialError):
    """A JSON-LD context is not one of the pinned documents, or a pinned file was altered."""

    code = "context_unknown"


class UnsafeJsonLdError(CredentialError):
    """Safe-mode expansion found a term or type that the contexts do not define."""

    code = "jsonld_undefined_term"


class JsonLdProcessingError(CredentialError):
    """pyld rejected the document (invalid JSON-LD)."""

    code = "jsonld_invalid"


class KeyFormatError(CredentialError):
    """A Multikey, did:key or verification method is malformed or of an unsupported type."""

    code = "key_format"


class KeyDecryptionError(CredentialError):
    """A stored private key could not be decrypted (wrong secret or corrupted data)."""

    code = "key_decryption"


class ProofError(CredentialError):
    """A Data Integrity proof is malformed, unsupported, or its signature does not verify."""

    code = "proof_invalid"


class StatusListError(CredentialError):
    """A bitstring status list is malformed, too short or the index is out of range."""

    code = "status_list_invalid"


class BakingError(CredentialError):
    """A PNG could not be baked or unbaked (not a PNG, no credential chunk, too large)."""

    code = "png_invalid"


class InputError(CredentialError):
    """Verifier input is not usable (not JSON, too large, too deeply nested)."""

    code = "input_invalid"
