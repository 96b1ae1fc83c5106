"""Verifying a credential: every check, its outcome, and a plain-language summary.

Input may be a dict, JSON text, JSON bytes or a baked PNG. Nothing is fetched by this module:
DID documents, issuer controller documents and status lists are obtained through a
``resolver`` callable supplied by the caller (the Django side supplies one that reads its own
database or the network with timeouts). Without a resolver the checks that need one are
reported as "could not be checked", and the overall verdict is then never "valid".

Verdicts: ``valid`` (every check passed or does not apply), ``invalid`` (at least one check
failed), ``unverified`` (nothing failed, but something could not be checked).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import orjson
from cachetools import LRUCache
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from . import baking, jsonld, keys, proofs, status
from .credential import credential_types, is_open_badge, matches_email, validate_open_badge
from .errors import BakingError, CredentialError, KeyFormatError, ProofError, StatusListError
from .messages import render

MAX_INPUT_BYTES = 1024 * 1024
MAX_DEPTH = 48
MAX_VALUES = 2500
MAX_RESOLVED_BYTES = 1024 * 1024

# Status list credentials are shared by thousands of credentials: remember which (content,
# issuer key) pairs were already fully verified, so bulk verification checks each list once.
_verified_lists: LRUCache = LRUCache(maxsize=256)
_verified_lock = threading.Lock()
_parsed_bodies: LRUCache = LRUCache(maxsize=256)
# (verification method, document digest) -> (public key, controller); see _resolve_key.
_resolved_methods: LRUCache = LRUCache(maxsize=1024)

Resolver = Callable[[str], Any]
"""``resolver(url) -> dict | str | bytes | None``: fetch a DID document, controller document
or status list credential. Return None or raise any exception when it cannot be fetched;
the verifier reports that as "could not be checked"."""


class Outcome(StrEnum):
    """Outcome of one check."""

    PASSED = "passed"
    FAILED = "failed"
    UNKNOWN = "unknown"  # could not be checked; never counted as passed
    NOT_APPLICABLE = "not_applicable"


class Verdict(StrEnum):
    """Overall result."""

    VALID = "valid"
    INVALID = "invalid"
    UNVERIFIED = "unverified"


CHECK_NAMES = (
    "parsed",
    "structure",
    "jsonld",
    "schema",
    "proof",
    "integrity",
    "issuer_key",
    "valid_from",
    "valid_until",
    "revocation",
    "suspension",
)


@dataclass(frozen=True)
class Check:
    """One check: ``name`` (see CHECK_NAMES), outcome, stable ``code`` and ``detail``; the
    English and Chinese messages are rendered from the code on access."""

    name: str
    outcome: Outcome
    code: str
    detail: str = ""  # technical explanation (English), for logs and API clients
    value: str = ""  # data shown in the message: a URL, a date, term names...
    params: tuple[tuple[str, str], ...] = ()

    @property
    def message_en(self) -> str:
        """The message in English."""
        return render(self.code, self.value, **dict(self.params))[0]

    @property
    def message_zh(self) -> str:
        """The message in Simplified Chinese."""
        return render(self.code, self.value, **dict(self.params))[1]

    def message(self, language: str = "en") -> str:
        """The message in ``language`` (``zh``/``zh-hans`` for Chinese, else English)."""
        return self.message_zh if language.lower().startswith("zh") else self.message_en


@dataclass(frozen=True)
class Skill:
    """An aligned skill as shown to an employer."""

    name: str
    url: str | None = None
    code: str | None = None
    framework: str | None = None


@dataclass(frozen=True)
class Summary:
    """Who issued what to whom, when (display only: trust the checks, not the summary)."""

    credential_id: str | None
    types: tuple[str, ...]
    issuer_id: str | None
    issuer_name: str | None
    subject_id: str | None
    has_hashed_email: bool
    achievement_id: str | None
    achievement_name: str | None
    achievement_type: str | None
    achievement_description: str | None
    criteria: str | None
    skills: tuple[Skill, ...]
    valid_from: str | None
    valid_until: str | None
    cryptosuite: str | None
    verification_method: str | None


@dataclass(frozen=True)
class VerificationResult:
    """The outcome of :func:`verify_credential`."""

    verdict: Verdict
    checks: tuple[Check, ...]
    summary: Summary | None
    credential: Mapping[str, Any] | None = field(default=None, repr=False)
    message_en: str = ""
    message_zh: str = ""

    @property
    def is_valid(self) -> bool:
        """True only when every check passed (or does not apply)."""
        return self.verdict is Verdict.VALID

    def check(self, name: str) -> Check:
        """The check called ``name``."""
        for c in self.checks:
            if c.name == name:
                return c
        raise KeyError(name)

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict (for the API), without the credential itself."""
        return {
            "verdict": self.verdict.value,
            "message": {"en": self.message_en, "zh-Hans": self.message_zh},
            "checks": [
                {
                    "name": c.name,
                    "outcome": c.outcome.value,
                    "code": c.code,
                    "message": {"en": c.message_en, "zh-Hans": c.message_zh},
                    "detail": c.detail,
                    "value": c.value,
                }
                for c in self.checks
            ],
            "summary": asdict(self.summary) if self.summary else None,
        }


def _check(
    name: str, outcome: Outcome, code: str, detail: str = "", value: str = "", **params: str
) -> Check:
    return Check(name, outcome, code, detail, value, tuple(sorted(params.items())))


# --- input parsing -------------------------------------------------------------------------


class _InputProblem(Exception):
    def __init__(self, code: str, detail: str = "", **params: str) -> None:
        super().__init__(code)
        self.code, self.detail, self.params = code, detail, params


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


@dataclass(frozen=True)
class _Scan:
    """What one walk over a parsed document found."""

    problem: str | None  # input_too_deep / input_too_complex, or None
    has_float: bool
    # No float, integers within 2**53, object keys below U+D800: a plain JSON encoder with
    # sorted keys gives the RFC 8785 form (see proofs._plain_json), no second walk needed.
    jcs_plain: bool


_MAX_SAFE_INT = 2**53 - 1


def _scan(value: Any, depth_limit: int = MAX_DEPTH) -> _Scan:
    """Walk ``value`` once, level by level: nesting deeper than ``depth_limit`` or more
    than :data:`MAX_VALUES` JSON values is a problem; floats and JCS-plainness are noted.

    Iterative, so hostile nesting cannot exhaust the stack. The value count bounds the
    JSON-LD and RDFC work: pyld's cost grows faster than linearly with node count.
    """
    level = [value]
    depth = 0
    count = 0
    has_float = False
    plain = True
    while level:
        depth += 1
        count += len(level)
        if count > MAX_VALUES:
            return _Scan("input_too_complex", has_float, False)
        nested: list[Any] = []
        for node in level:
            kind = type(node)
            if kind is dict:
                nested.extend(node.values())
                if plain:
                    for key in node:
                        if type(key) is not str or (not key.isascii() and max(key) >= "\ud800"):
                            plain = False
                            break
            elif kind is list:
                nested.extend(node)
            elif kind is float:
                has_float = True
                plain = False
            elif kind is int:
                if not -_MAX_SAFE_INT <= node <= _MAX_SAFE_INT:
                    plain = False
            elif kind is not str and kind is not bool and node is not None:
                plain = False
                if isinstance(node, (dict, list)):  # subclasses still nest
                    nested.extend(node.values() if isinstance(node, dict) else node)
        if depth >= depth_limit and any(isinstance(n, (dict, list)) for n in nested):
            return _Scan("input_too_deep", has_float, False)
        level = nested
    return _Scan(None, has_float, plain)


def _shape_problem(value: Any, depth_limit: int = MAX_DEPTH) -> str | None:
    """``input_too_deep`` / ``input_too_complex`` if ``value`` nests deeper than
    ``depth_limit`` or holds more than :data:`MAX_VALUES` JSON values; else None."""
    return _scan(value, depth_limit).problem


def _raise_shape(problem: str | None) -> None:
    if problem == "input_too_deep":
        raise _InputProblem(problem, limit=str(MAX_DEPTH))
    if problem:
        raise _InputProblem(problem, limit=str(MAX_VALUES))


def _check_shape(value: Any) -> None:
    _raise_shape(_shape_problem(value))


_UNREAD = object()


def _loads(text: str) -> tuple[Any, _Scan]:
    """``json.loads`` semantics, through orjson (twice as fast) when it gives the same
    value, and the document's :class:`_Scan`.

    orjson refuses what the standard library reads differently (NaN, overflowing numbers,
    lone surrogate escapes, nesting beyond 1,024 levels), and reads integers beyond 64 bits
    as floats: text it refuses, and documents holding any float (rare in credentials), are
    read again by the standard library.
    """
    value: Any = _UNREAD
    with contextlib.suppress(orjson.JSONDecodeError):
        value = orjson.loads(text)
    if value is not _UNREAD:
        scan = _scan(value)
        if not scan.has_float or scan.problem:
            return value, scan
    value = json.loads(text, parse_constant=_reject_constant)
    return value, _scan(value)


def _parse_json_text(text: str | bytes, *, limit: int = MAX_INPUT_BYTES) -> tuple[Any, bool]:
    """Parse JSON with size and depth limits: (value, JCS-plain, see :class:`_Scan`);
    raises :class:`_InputProblem`."""
    if len(text) > limit:
        raise _InputProblem("input_too_large", limit=f"{limit // 1024} KB")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _InputProblem("input_not_json", "not UTF-8 text") from exc
    stripped = text.strip()
    if not stripped:
        raise _InputProblem("input_empty")
    if re.fullmatch(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*", stripped):
        raise _InputProblem("input_jwt")
    try:
        value, scan = _loads(stripped)
    except RecursionError as exc:
        raise _InputProblem("input_too_deep", limit=str(MAX_DEPTH)) from exc
    except ValueError as exc:
        raise _InputProblem("input_not_json", str(exc)[:200]) from exc
    _raise_shape(scan.problem)
    return value, scan.jcs_plain


def _load_input(data: Any) -> tuple[dict[str, Any], bool]:
    """(the credential as a private dict, whether it is JCS-plain: see :class:`_Scan`)."""
    plain = False
    if data is None:
        raise _InputProblem("input_empty")
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        if raw.startswith(baking.PNG_SIGNATURE):
            try:
                text = baking.unbake_png(raw)
            except BakingError as exc:
                raise _InputProblem(exc.code, exc.detail) from exc
            value, plain = _parse_json_text(text)
        else:
            value, plain = _parse_json_text(raw)
    elif isinstance(data, str):
        value, plain = _parse_json_text(data)
    elif isinstance(data, Mapping):
        _check_shape(data)
        try:
            text = json.dumps(data, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise _InputProblem("input_not_json", str(exc)[:200]) from exc
        if len(text) > MAX_INPUT_BYTES:
            raise _InputProblem("input_too_large", limit=f"{MAX_INPUT_BYTES // 1024} KB")
        value = json.loads(text)  # private copy; callers' dicts stay untouched
    else:
        raise _InputProblem("input_unsupported_type")
    if not isinstance(value, dict):
        raise _InputProblem("input_not_object")
    return value, plain


# --- resolution ----------------------------------------------------------------------------


class _Unresolved(Exception):
    """A check could not be completed (outcome UNKNOWN); ``value`` is shown to the user."""

    def __init__(self, code: str, value: str, detail: str = "") -> None:
        super().__init__(detail or value)
        self.code, self.value, self.detail = code, value, detail or value


class _Failed(Exception):
    """A check failed (outcome FAILED); ``value`` is shown to the user."""

    def __init__(self, code: str, value: str, detail: str = "") -> None:
        super().__init__(detail or value)
        self.code, self.value, self.detail = code, value, detail or value


class _Fetcher:
    """Calls the resolver at most once per URL and validates what it returns."""

    def __init__(self, resolver: Resolver | None) -> None:
        self.resolver = resolver
        self.cache: dict[str, dict[str, Any]] = {}
        self.digests: dict[str, bytes] = {}

    def fetch(self, url: str, purpose_code: str) -> dict[str, Any]:
        if url in self.cache:
            return self.cache[url]
        if self.resolver is None:
            raise _Unresolved(
                "issuer_key_no_resolver" if purpose_code.startswith("issuer") else purpose_code,
                url,
            )
        try:
            got = self.resolver(url)
        except Exception as exc:
            # Whatever the caller's resolver raises (timeouts, HTTP, DNS...) only means
            # "could not fetch": it must never turn into a crash of the verification.
            detail = f"{url}: {type(exc).__name__}: {exc}"[:300]
            raise _Unresolved(purpose_code, url, detail) from exc
        if got is None:
            raise _Unresolved(purpose_code, url, f"{url}: not found")
        if isinstance(got, (str, bytes)):
            got = self._parse_body(url, got, purpose_code)
        elif not isinstance(got, Mapping) or _shape_problem(got):
            raise _Unresolved(purpose_code, url, f"{url}: not a usable JSON object")
        doc = dict(got)
        self.cache[url] = doc
        return doc

    def _parse_body(self, url: str, body: str | bytes, purpose_code: str) -> Mapping[str, Any]:
        """Parse a fetched JSON body; identical bodies (the same DID document or status list
        for every credential of an issuer) are parsed and checked once. Parsed documents
        are only ever read, so sharing them is safe."""
        raw = body.encode("utf-8") if isinstance(body, str) else body
        digest = hashlib.sha256(raw).digest()
        with _verified_lock:
            doc = _parsed_bodies.get(digest)
        if doc is None:
            try:
                doc, _plain = _parse_json_text(raw, limit=MAX_RESOLVED_BYTES)
            except _InputProblem as exc:
                raise _Unresolved(purpose_code, url, f"{url}: {exc.code}") from exc
            if not isinstance(doc, Mapping):
                raise _Unresolved(purpose_code, url, f"{url}: not a JSON object")
            with _verified_lock:
                _parsed_bodies[digest] = doc
        self.digests[url] = digest
        return doc


def _resolve_key(vm: str, fetcher: _Fetcher) -> tuple[Ed25519PublicKey, str]:
    """Return (public key, controller) for a verification method id.

    Successes are remembered: a did:key by its own text (it is the key), a method found in
    a fetched document by that document's sha256 and the method id, so the credential's
    proof and its two status lists (and the next credential of the same issuer) resolve the
    issuer's key once. A changed document has another digest, hence a fresh lookup.
    """
    if vm.startswith("did:key:"):
        if "#" not in vm:  # a bare did:key DID designates its one key
            vm = keys.did_key_verification_method(vm)
        memo_key: tuple | None = ("did:key", vm) if len(vm) <= 512 else None
        with _verified_lock:
            found = _resolved_methods.get(memo_key) if memo_key else None
        if found is not None:
            return found
        try:
            found = keys.find_verification_method(keys.resolve_did_key(vm), vm)
        except KeyFormatError as exc:
            raise _Failed("issuer_key_unsupported", vm[:200], exc.detail) from exc
        if memo_key:
            with _verified_lock:
                _resolved_methods[memo_key] = found
        return found
    if vm.startswith("did:web:"):
        did = vm.split("#", 1)[0]
        try:
            url = keys.did_web_to_url(did)
        except KeyFormatError as exc:
            raise _Failed("issuer_key_unsupported", vm[:200], exc.detail) from exc
        doc = fetcher.fetch(url, "issuer_key_unreachable")
        if doc.get("id") != did:
            detail = f"DID document at {url} is for {doc.get('id')!r:.100}"
            raise _Failed("issuer_key_not_found", vm[:200], detail)
    elif vm.startswith("https://"):
        # An https verification method (as the 1EdTech examples use): the issuer's
        # controller document at that URL lists the key. Plain http is refused: anyone on
        # the path could substitute a key.
        url = vm.split("#", 1)[0]
        doc = fetcher.fetch(url, "issuer_key_unreachable")
    else:
        raise _Failed("issuer_key_unsupported", vm[:200])
    digest = fetcher.digests.get(url)
    memo_key = ("document", digest, vm) if digest is not None and len(vm) <= 512 else None
    with _verified_lock:
        found = _resolved_methods.get(memo_key) if memo_key else None
    if found is not None:
        return found
    try:
        found = keys.find_verification_method(doc, vm)
    except KeyFormatError as exc:
        raise _Failed("issuer_key_not_found", vm[:200], exc.detail) from exc
    if memo_key:
        with _verified_lock:
            _resolved_methods[memo_key] = found
    return found


def _issuer_id(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


@dataclass
class _ProofOutcome:
    proof: Check
    integrity: Check
    issuer_key: Check
    suite: str | None = None
    vm: str | None = None


def _verify_proofs(
    credential: Mapping[str, Any], fetcher: _Fetcher, jsonld_ok: bool, plain: bool = False
) -> _ProofOutcome:
    raw = credential.get("proof")
    if raw is None:
        miss = _check("proof", Outcome.FAILED, "proof_missing")
        skip = _check("integrity", Outcome.UNKNOWN, "integrity_no_proof")
        return _ProofOutcome(
            miss, skip, _check("issuer_key", Outcome.UNKNOWN, "issuer_key_no_proof")
        )
    candidates = [p for p in (raw if isinstance(raw, list) else [raw]) if isinstance(p, Mapping)]
    supported = [
        p
        for p in candidates
        if p.get("type") == proofs.PROOF_TYPE and p.get("cryptosuite") in proofs.CRYPTOSUITES
    ]
    if not supported:
        desc = ", ".join(
            f"{p.get('type')}/{p.get('cryptosuite')}"
            if p.get("cryptosuite")
            else str(p.get("type"))
            for p in candidates
        )
        unk = _check("proof", Outcome.UNKNOWN, "proof_unsupported", value=desc[:200] or "-")
        return _ProofOutcome(
            unk,
            _check("integrity", Outcome.UNKNOWN, "integrity_no_proof"),
            _check("issuer_key", Outcome.UNKNOWN, "issuer_key_no_proof"),
        )
    issuer = _issuer_id(credential)
    best: _ProofOutcome | None = None
    for proof in supported:
        outcome = _verify_one(credential, proof, issuer, fetcher, jsonld_ok, plain)
        if outcome.integrity.outcome is Outcome.PASSED and (
            outcome.issuer_key.outcome is Outcome.PASSED
        ):
            return outcome
        best = best or outcome
    assert best is not None
    return best


def _verify_one(
    credential: Mapping[str, Any],
    proof: Mapping[str, Any],
    issuer: str | None,
    fetcher: _Fetcher,
    jsonld_ok: bool,
    plain: bool = False,
) -> _ProofOutcome:
    suite = proof.get("cryptosuite")
    vm = proof.get("verificationMethod")
    label = f"DataIntegrityProof {suite}"
    try:
        proofs.check_proof_shape(proof)
    except ProofError as exc:
        failed = _check("proof", Outcome.FAILED, exc.code, exc.detail, exc.value)
        na = _check("integrity", Outcome.UNKNOWN, "check_skipped")
        return _ProofOutcome(failed, na, _check("issuer_key", Outcome.UNKNOWN, "check_skipped"))
    proof_ok = _check("proof", Outcome.PASSED, "proof_ok", value=label)
    assert isinstance(vm, str)
    # Issuer binding first: who controls the key?
    public_key: Ed25519PublicKey | None = None
    try:
        public_key, controller = _resolve_key(vm, fetcher)
        if issuer is None or controller != issuer:
            key_check = _check(
                "issuer_key",
                Outcome.FAILED,
                "issuer_key_mismatch",
                f"key controller {controller}, issuer {issuer}",
                f"{controller} ≠ {issuer}"[:300],
            )
        else:
            key_check = _check("issuer_key", Outcome.PASSED, "issuer_key_ok", value=issuer)
    except _Failed as exc:
        key_check = _check("issuer_key", Outcome.FAILED, exc.code, exc.detail, exc.value)
    except _Unresolved as exc:
        key_check = _check("issuer_key", Outcome.UNKNOWN, exc.code, exc.detail, exc.value)
    if public_key is None:
        integrity = _check("integrity", Outcome.UNKNOWN, "integrity_no_key")
        return _ProofOutcome(proof_ok, integrity, key_check, suite, vm)
    if suite == proofs.RDFC and not jsonld_ok:
        integrity = _check("integrity", Outcome.UNKNOWN, "integrity_jsonld_failed")
        return _ProofOutcome(proof_ok, integrity, key_check, suite, vm)
    try:
        proofs.verify_proof(credential, proof, public_key, plain_json=plain)
        integrity = _check("integrity", Outcome.PASSED, "integrity_ok")
    except CredentialError as exc:  # ProofError, or JSON-LD errors while canonicalizing
        integrity = _check("integrity", Outcome.FAILED, exc.code, exc.detail, exc.value)
    return _ProofOutcome(proof_ok, integrity, key_check, suite, vm)


# --- dates ---------------------------------------------------------------------------------


def _parse_datetime(value: Any) -> datetime:
    if isinstance(value, str) and len(value) <= 64:
        return _parse_datetime_text(value)  # status lists repeat the same dates
    return _parse_datetime_text.__wrapped__(value)


@functools.lru_cache(maxsize=4096)
def _parse_datetime_text(value: Any) -> datetime:
    if not proofs.is_xsd_datetime(value):
        raise ValueError(f"{value!r:.60} is not an XML Schema dateTime")
    text = value.replace("Z", "+00:00")
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:  # VC DM 2.0 section 4.9: no offset means UTC for comparison
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _date_checks(credential: Mapping[str, Any], now: datetime) -> tuple[Check, Check]:
    start = credential.get("validFrom", credential.get("issuanceDate"))
    end = credential.get("validUntil", credential.get("expirationDate"))
    try:
        if start is None:
            c_from = _check("valid_from", Outcome.NOT_APPLICABLE, "valid_from_none")
        elif _parse_datetime(start) > now:
            c_from = _check("valid_from", Outcome.FAILED, "not_yet_valid", value=start)
        else:
            c_from = _check("valid_from", Outcome.PASSED, "valid_from_ok", value=start)
    except ValueError as exc:
        c_from = _check("valid_from", Outcome.FAILED, "date_invalid", str(exc), f"{start!r:.60}")
    try:
        if end is None:
            c_until = _check("valid_until", Outcome.PASSED, "no_expiry")
        elif _parse_datetime(end) < now:
            c_until = _check("valid_until", Outcome.FAILED, "expired", value=end)
        else:
            c_until = _check("valid_until", Outcome.PASSED, "valid_until_ok", value=end)
    except ValueError as exc:
        c_until = _check("valid_until", Outcome.FAILED, "date_invalid", str(exc), f"{end!r:.60}")
    return c_from, c_until


# --- status --------------------------------------------------------------------------------


def _status_check(
    purpose: str,
    credential: Mapping[str, Any],
    fetcher: _Fetcher,
    now: datetime,
    depth: int,
) -> Check:
    raw = credential.get("credentialStatus")
    entries = [e for e in (raw if isinstance(raw, list) else [raw]) if isinstance(e, Mapping)]
    relevant = [e for e in entries if e.get("statusPurpose") == purpose]
    if not relevant:
        other = [
            e
            for e in entries
            if e.get("type") != "BitstringStatusListEntry" and e.get("statusPurpose") is None
        ]
        if other and purpose == "revocation":
            kind = f"{other[0].get('type')}"[:100]
            return _check(purpose, Outcome.UNKNOWN, "status_unsupported", value=kind)
        return _check(purpose, Outcome.NOT_APPLICABLE, "status_none", purpose=purpose)
    for entry in relevant:
        if entry.get("type") != "BitstringStatusListEntry":
            kind = f"{entry.get('type')}"[:100]
            return _check(purpose, Outcome.UNKNOWN, "status_unsupported", value=kind)
        url = entry.get("statusListCredential")
        if not isinstance(url, str):
            return _check(purpose, Outcome.FAILED, "status_list_invalid", "no statusListCredential")
        if fetcher.resolver is None:
            return _check(purpose, Outcome.UNKNOWN, "status_no_resolver", purpose=purpose)
        try:
            list_vc = fetcher.fetch(url, "status_unreachable")
        except _Unresolved as exc:
            return _check(purpose, Outcome.UNKNOWN, "status_unreachable", exc.detail, exc.value)
        problem = _status_list_problem(url, list_vc, credential, fetcher, now, depth)
        if problem:
            return _check(purpose, Outcome.UNKNOWN, "status_list_invalid", problem)
        try:
            is_set = status.read_status(entry, list_vc)
        except StatusListError as exc:
            return _check(purpose, Outcome.UNKNOWN, "status_list_invalid", exc.detail)
        if is_set:
            code = "revoked" if purpose == "revocation" else "suspended"
            return _check(purpose, Outcome.FAILED, code, url)
    return _check(purpose, Outcome.PASSED, "status_ok", purpose=purpose)


def _status_list_problem(
    list_url: str,
    list_vc: Mapping[str, Any],
    credential: Mapping[str, Any],
    fetcher: _Fetcher,
    now: datetime,
    depth: int,
) -> str | None:
    """Why a fetched status list credential cannot be trusted, or None if it can."""
    if "BitstringStatusListCredential" not in credential_types(list_vc):
        return "not a BitstringStatusListCredential"
    if _issuer_id(list_vc) != _issuer_id(credential):
        # Bitstring Status List 1.0 section 3.2: the list's issuer should be the
        # credential's issuer; otherwise anyone could publish "not revoked".
        return f"issued by {_issuer_id(list_vc)}, not by the credential's issuer"
    trust_key = _list_trust_key(list_url, list_vc, fetcher)
    if trust_key is not None:
        with _verified_lock:
            trusted = _verified_lists.get(trust_key)
        if trusted:
            c_from, c_until = _date_checks(list_vc, now)
            late = [c for c in (c_from, c_until) if c.outcome is Outcome.FAILED]
            return f"{late[0].name}: {late[0].message_en}" if late else None
    sub = _verify(list_vc, fetcher.resolver, now, None, depth=depth + 1)
    bad = [
        c
        for c in sub.checks
        if c.name in ("jsonld", "proof", "integrity", "issuer_key", "valid_from", "valid_until")
        and c.outcome not in (Outcome.PASSED, Outcome.NOT_APPLICABLE)
    ]
    if bad:
        return "; ".join(f"{c.name}: {c.message_en}" for c in bad)[:300]
    if trust_key is not None:
        with _verified_lock:
            _verified_lists[trust_key] = True
    return None


def _list_trust_key(list_url: str, list_vc: Mapping[str, Any], fetcher: _Fetcher) -> tuple | None:
    """Identify a status list credential together with the key that must have signed it.

    A list with the same content, checked against the same issuer key, needs no second
    signature check (one list serves thousands of credentials). Dates are re-checked.
    """
    raw = list_vc.get("proof")
    # Only single-proof lists are remembered: with several proofs the key that made the
    # list trustworthy might not be the one named here.
    first = raw[0] if isinstance(raw, list) and len(raw) == 1 else raw
    vm = first.get("verificationMethod") if isinstance(first, Mapping) else None
    if not isinstance(vm, str):
        return None
    try:
        public_key, controller = _resolve_key(vm, fetcher)
    except (_Failed, _Unresolved):
        return None
    digest = fetcher.digests.get(list_url)
    if digest is None:
        try:
            content = json.dumps(list_vc, sort_keys=True, ensure_ascii=False).encode("utf-8")
        except (TypeError, ValueError):
            return None
        digest = hashlib.sha256(content).digest()
    return ("list", digest, public_key.public_bytes_raw(), controller)


# --- summary -------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):  # language map / value object
        inner = value.get("@value")
        return inner if isinstance(inner, str) else None
    return None


def _summary(credential: Mapping[str, Any], suite: str | None, vm: str | None) -> Summary:
    issuer = credential.get("issuer")
    subject = credential.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else None
    subject = subject if isinstance(subject, Mapping) else {}
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, Mapping) else {}
    skills = []
    alignments = achievement.get("alignment")
    for a in alignments if isinstance(alignments, list) else [alignments]:
        if isinstance(a, Mapping) and _text(a.get("targetName")):
            skills.append(
                Skill(
                    _text(a.get("targetName")) or "",
                    _text(a.get("targetUrl")),
                    _text(a.get("targetCode")),
                    _text(a.get("targetFramework")),
                )
            )
    ids = subject.get("identifier")
    criteria = achievement.get("criteria")
    return Summary(
        credential_id=_text(credential.get("id")),
        types=tuple(credential_types(credential)),
        issuer_id=_issuer_id(credential),
        issuer_name=_text(issuer.get("name")) if isinstance(issuer, Mapping) else None,
        subject_id=_text(subject.get("id")),
        has_hashed_email=any(
            isinstance(i, Mapping) and i.get("identityType") == "emailAddress"
            for i in (ids if isinstance(ids, list) else [ids])
        ),
        achievement_id=_text(achievement.get("id")),
        achievement_name=_text(achievement.get("name")),
        achievement_type=_text(achievement.get("achievementType")),
        achievement_description=_text(achievement.get("description")),
        criteria=_text(criteria.get("narrative")) if isinstance(criteria, Mapping) else None,
        skills=tuple(skills),
        valid_from=_text(credential.get("validFrom", credential.get("issuanceDate"))),
        valid_until=_text(credential.get("validUntil", credential.get("expirationDate"))),
        cryptosuite=suite,
        verification_method=vm,
    )


# --- entry point ---------------------------------------------------------------------------


def _structure_problem(credential: Mapping[str, Any]) -> str | None:
    """The message code of the first missing VC DM 2.0 essential, or None."""
    if "@context" not in credential:
        return "shape_no_context"
    if "VerifiableCredential" not in credential_types(credential):
        return "shape_no_vc_type"
    if _issuer_id(credential) is None:
        return "shape_no_issuer"
    if not credential.get("credentialSubject"):
        return "shape_no_subject"
    return None


_CONSEQUENCE_CODES = frozenset(
    {
        "check_skipped",
        "integrity_no_key",
        "integrity_jsonld_failed",
        "integrity_no_proof",
        "issuer_key_no_proof",
    }
)


def _finish(
    checks: list[Check],
    summary: Summary | None,
    credential: Mapping[str, Any] | None,
    all_checks: bool = True,
) -> VerificationResult:
    if all_checks:  # every result lists every check, in the same order
        done = {c.name for c in checks}
        checks = checks + [
            _check(name, Outcome.UNKNOWN, "check_skipped")
            for name in CHECK_NAMES
            if name not in done
        ]
    failed = [c for c in checks if c.outcome is Outcome.FAILED]
    unknown = [c for c in checks if c.outcome is Outcome.UNKNOWN]
    if failed:
        verdict, code, first = Verdict.INVALID, "verdict_invalid", failed[0]
    elif unknown:
        # Name the cause (e.g. "the issuer's keys could not be fetched"), not a consequence
        # ("the content could not be checked").
        causes = [c for c in unknown if c.code not in _CONSEQUENCE_CODES] or unknown
        verdict, code, first = Verdict.UNVERIFIED, "verdict_unverified", causes[0]
    else:
        verdict, code, first = Verdict.VALID, "verdict_valid", None
    en, _ = render(code, first.message_en if first else "")
    _, zh = render(code, first.message_zh if first else "")
    return VerificationResult(verdict, tuple(checks), summary, credential, en, zh)


def verify_credential(
    data: Any,
    resolver: Resolver | None = None,
    *,
    now: datetime | None = None,
    email: str | None = None,
) -> VerificationResult:
    """Verify a credential given as a dict, JSON text/bytes or a baked PNG.

    ``resolver(url)`` fetches DID documents (did:web), issuer controller documents (https
    verification methods) and status list credentials; see :data:`Resolver`. ``now``
    defaults to the current time (aware datetimes only). With ``email``, a ``recipient``
    check says whether the credential's hashed e-mail identifier matches it (OB 3.0
    IdentityObject); the address itself is not kept. Never raises for bad input: the
    problem is reported in the ``parsed`` check.
    """
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    return _verify(data, resolver, now, email, depth=0)


def _verify(
    data: Any, resolver: Resolver | None, now: datetime, email: str | None, depth: int
) -> VerificationResult:
    """The verification itself; ``depth`` 1 is a status list credential being checked for
    a credential (no status or recipient checks of its own)."""
    checks: list[Check] = []
    try:
        credential, plain = _load_input(data)
    except _InputProblem as exc:
        checks.append(_check("parsed", Outcome.FAILED, exc.code, exc.detail, **exc.params))
        return _finish(checks, None, None)
    checks.append(_check("parsed", Outcome.PASSED, "parsed"))
    problem = _structure_problem(credential)
    if problem:
        checks.append(_check("structure", Outcome.FAILED, problem))
        return _finish(checks, None, credential)
    checks.append(_check("structure", Outcome.PASSED, "shape_ok"))

    jsonld_ok = True
    try:
        # Proofs are checked on their own by the proof step (Data Integrity 1.0 section 4.4
        # expands the unsecured document and each proof configuration separately), so an
        # unknown proof type in a proof set does not make the credential invalid JSON-LD.
        jsonld.expand_cached({k: v for k, v in credential.items() if k != "proof"})
        checks.append(_check("jsonld", Outcome.PASSED, "jsonld_ok"))
    except CredentialError as exc:
        jsonld_ok = False
        checks.append(_check("jsonld", Outcome.FAILED, exc.code, exc.detail[:300], exc.value))

    if is_open_badge(credential):
        found = validate_open_badge(credential)
        if found:
            detail = "; ".join(f"{p.path}: {p.message}" for p in found[:5])
            where = ", ".join(dict.fromkeys(p.path for p in found[:3]))
            checks.append(
                _check("schema", Outcome.FAILED, "schema_invalid", detail[:600], where[:200])
            )
        else:
            checks.append(_check("schema", Outcome.PASSED, "schema_ok"))
    else:
        checks.append(_check("schema", Outcome.NOT_APPLICABLE, "schema_not_applicable"))

    fetcher = _Fetcher(resolver)
    outcome = _verify_proofs(credential, fetcher, jsonld_ok, plain)
    checks.extend([outcome.proof, outcome.integrity, outcome.issuer_key])
    checks.extend(_date_checks(credential, now))
    if depth == 0:
        for purpose in ("revocation", "suspension"):
            checks.append(_status_check(purpose, credential, fetcher, now, depth))
    if email is not None and depth == 0:
        if matches_email(credential, email):
            checks.append(_check("recipient", Outcome.PASSED, "recipient_match"))
        else:
            checks.append(_check("recipient", Outcome.FAILED, "recipient_mismatch"))
    summary = _summary(credential, outcome.suite, outcome.vm)
    return _finish(checks, summary, credential, all_checks=depth == 0)
