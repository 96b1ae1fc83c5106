"""JSON-LD processing with pinned contexts only.

The product ships the context documents it accepts in ``contexts/`` with a manifest
(``contexts/manifest.json``: URL -> file -> sha256). At first use every file is hashed and
compared to the manifest; a mismatch is an error, never a silent fallback. The pyld document
loader below serves only those documents and refuses every other URL, so nothing is ever
fetched from the network (VC Data Model 2.0, section 5.2 and Data Integrity 1.0, section 2.4:
"implementations ... SHOULD use a local cache of contexts").

Expansion runs in "safe mode" (Data Integrity 1.0, section 4, Add Proof / Verify Proof
step "expansion ... safe mode"): a property the contexts do not define, or a ``type`` that
does not expand to an absolute IRI, is an error instead of being silently dropped, because a
dropped property would not be covered by the signature.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import re
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from cachetools import LRUCache
from pyld import jsonld
from pyld.canon import URDNA2015
from pyld.context_resolver import ContextResolver
from pyld.identifier_issuer import IdentifierIssuer

from .errors import ContextError, JsonLdProcessingError, UnsafeJsonLdError

CONTEXT_DIR = Path(__file__).parent / "contexts"
MANIFEST_PATH = CONTEXT_DIR / "manifest.json"

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
OB_V3P0_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
EXAMPLES_V2_CONTEXT = "https://www.w3.org/ns/credentials/examples/v2"


@dataclass(frozen=True)
class PinnedContext:
    """One bundled context document, as listed in the manifest."""

    url: str
    file: str
    sha256: str
    document: Mapping[str, Any]


@functools.cache
def pinned_contexts() -> Mapping[str, PinnedContext]:
    """Return the bundled contexts keyed by URL, after checking every file's sha256.

    Raises :class:`ContextError` if a file is missing or its hash differs from the manifest.
    """
    manifest = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
    pinned: dict[str, PinnedContext] = {}
    for url, entry in manifest["contexts"].items():
        path = CONTEXT_DIR / entry["file"]
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ContextError(f"pinned context file for {url} is missing: {exc}") from exc
        digest = hashlib.sha256(raw).hexdigest()
        if digest != entry["sha256"]:
            raise ContextError(
                f"pinned context {url} ({entry['file']}) has sha256 {digest}, "
                f"manifest says {entry['sha256']}",
                code="context_tampered",
            )
        pinned[url] = PinnedContext(url, entry["file"], digest, json.loads(raw))
    return pinned


def is_known_context(url: str) -> bool:
    """True if ``url`` is one of the bundled, pinned context URLs."""
    return url in pinned_contexts()


def document_loader(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """pyld document loader serving only the pinned contexts; every other URL is refused."""
    pinned = pinned_contexts().get(url)
    if pinned is None:
        raise ContextError(
            f"JSON-LD context {url!r} is not one of the contexts this verifier ships; "
            "refusing to load it (contexts are never fetched from the network)",
            value=str(url)[:200],
        )
    return {
        "contextUrl": None,
        "documentUrl": url,
        # pyld may annotate what it is given; the pinned copy must stay pristine.
        "document": copy.deepcopy(pinned.document),
        # "static" lets pyld keep the processed context in our cache across operations: the
        # pinned documents never change, so they are processed once per process.
        "tag": "static",
    }


# Our own cache of processed contexts, so nothing resolved through another loader elsewhere in
# the process (pyld's module-level cache is keyed by URL only) can leak into ours.
_resolved_cache: LRUCache = LRUCache(maxsize=256)
_cache_lock = threading.Lock()


_clone_cache: LRUCache = LRUCache(maxsize=4096)
_inline_cache: LRUCache = LRUCache(maxsize=4096)


class _Resolver(ContextResolver):
    """pyld's context resolver, remembering inline (scoped) context objects by identity.

    pyld keys inline contexts by their JCS serialisation, computed on every use; the scoped
    contexts of the pinned documents are the same objects every time, so an identity lookup
    (the cache keeps the object alive, so its id cannot be reused) gives the same result
    without re-serialising.
    """

    def resolve(self, active_ctx, context, base, cycles=None):
        if isinstance(context, dict) and "@context" not in context:
            hit = _inline_cache.get(id(context))
            if hit is not None and hit[0] is context:
                return hit[1]
            resolved = super().resolve(active_ctx, context, base, cycles)
            _inline_cache[id(context)] = (context, resolved)
            return resolved
        return super().resolve(active_ctx, context, base, cycles)


class _Processor(jsonld.JsonLdProcessor):
    """pyld's processor with one extra cache, for speed only (results are unchanged).

    For a type-scoped context (``propagate=False``) pyld clones the active context before
    looking the processed context up in its cache, and the fresh clone gets a fresh id, so
    the lookup never hits and every ``AchievementSubject``/``Profile``/... scoped context is
    re-processed for every node. Reusing one clone per parent active context (which pyld
    never mutates once created) makes those lookups hit.
    """

    def _process_context(
        self,
        active_ctx,
        local_ctx,
        options,
        override_protected=False,
        propagate=True,
        validate_scoped=True,
        cycles=None,
    ):
        if not propagate and not active_ctx.get("previousContext"):
            parent_id = active_ctx.get("_uuid")
            clone = _clone_cache.get(parent_id) if parent_id else None
            if clone is None:
                clone = self._clone_active_context(active_ctx)
                clone["previousContext"] = active_ctx
                clone["_uuid"] = str(uuid.uuid4())
                if parent_id:
                    _clone_cache[parent_id] = clone
            active_ctx = clone
        return super()._process_context(
            active_ctx,
            local_ctx,
            options,
            override_protected=override_protected,
            propagate=propagate,
            validate_scoped=validate_scoped,
            cycles=cycles,
        )


def _options() -> dict[str, Any]:
    return {
        "documentLoader": document_loader,
        "contextResolver": _Resolver(_resolved_cache, document_loader),
        "base": None,
    }


_PYLD_INTERNAL_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError)


def _find_cause(exc: BaseException, kind: type[Exception]) -> Exception | None:
    seen = 0
    cur: BaseException | None = exc
    while cur is not None and seen < 32:
        if isinstance(cur, kind):
            return cur
        cur = cur.__cause__ or cur.__context__
        seen += 1
    return None


def _is_absolute_iri(value: str) -> bool:
    return ":" in value


def _check_expanded(node: Any, problems: list[str]) -> None:
    """Find relative IRIs for types and node ids: RDF conversion silently drops them, so
    they would not be covered by an eddsa-rdfc-2022 signature (jsonld.js safe mode reports
    "relative @type reference" and "relative @id reference" for the same reason)."""
    if isinstance(node, list):
        for item in node:
            _check_expanded(item, problems)
        return
    if not isinstance(node, dict):
        return
    if "@value" in node:
        vtype = node.get("@type")
        if isinstance(vtype, str) and not _is_absolute_iri(vtype):
            problems.append(f"datatype {vtype!r}")
        return
    for t in node.get("@type", []):
        if isinstance(t, str) and not (_is_absolute_iri(t) or t.startswith("_:")):
            problems.append(f"type {t!r}")
    node_id = node.get("@id")
    if isinstance(node_id, str) and not (_is_absolute_iri(node_id) or node_id.startswith("_:")):
        problems.append(f"relative id {node_id!r}")
    for key, value in node.items():
        if key not in ("@type", "@id", "@value", "@language", "@direction"):
            _check_expanded(value, problems)


def expand(document: Mapping[str, Any]) -> list[Any]:
    """Expand ``document`` in safe mode with the pinned contexts.

    Raises :class:`ContextError` for an unknown context, :class:`UnsafeJsonLdError` when a
    property or type is not defined by the contexts, :class:`JsonLdProcessingError` when pyld
    rejects the document.
    """
    dropped: list[str] = []

    def on_dropped(prop: Any) -> None:
        dropped.append(repr(prop))

    processor = _Processor(on_property_dropped=on_dropped)
    try:
        with _cache_lock:
            expanded = processor.expand(document, _options())
    except jsonld.JsonLdError as exc:
        ctx_err = _find_cause(exc, ContextError)
        if ctx_err is not None:
            raise ctx_err from None
        raise JsonLdProcessingError(f"invalid JSON-LD: {_describe(exc)}") from None
    except RecursionError:
        raise JsonLdProcessingError("invalid JSON-LD: nesting too deep") from None
    except _PYLD_INTERNAL_ERRORS as exc:
        # pyld lets some malformed input escape as plain Python errors (e.g. a relative
        # context URL with no base raises ValueError); they are still just invalid JSON-LD.
        raise JsonLdProcessingError(f"invalid JSON-LD: {exc}"[:300]) from None
    problems = [f"property {p}" for p in dropped]
    _check_expanded(expanded, problems)
    if problems:
        names = sorted(set(problems))
        raise UnsafeJsonLdError(
            "terms not defined by the credential's contexts: " + ", ".join(names),
            value=", ".join(_quoted(n) for n in names)[:200],
        )
    return expanded


def _quoted(problem: str) -> str:
    """The quoted term of a problem description ("type 'Bogus'" -> "'Bogus'")."""
    match = re.search(r"('.*'|\".*\")$", problem)
    return match.group(1) if match else problem


def _describe(exc: BaseException) -> str:
    parts = []
    cur: BaseException | None = exc
    while cur is not None and len(parts) < 4:
        msg = getattr(cur, "message", None) or str(cur).splitlines()[0]
        parts.append(msg)
        cur = cur.__cause__
    return " <- ".join(parts)


class _BoundedURDNA2015(URDNA2015):
    """RDFC-1.0 with the work limit its section 4.4 asks implementations to enforce.

    Blank nodes that share a first-degree hash make Hash N-Degree Quads explore
    permutations; a crafted "poison" graph of seven mutually linked blank nodes takes seconds
    and eight take minutes. As in rdf-canonize (maxWorkFactor 1), each blank node may be run
    through Hash N-Degree Quads at most as many times as there are blank nodes; more is
    refused as hostile. Ordinary credentials stay far below the limit.
    """

    def __init__(self) -> None:
        super().__init__()
        self._deep_iterations: dict[str, int] = {}

    def hash_n_degree_quads(self, id_, issuer):
        limit = max(len(self.blank_node_info), 1)
        count = self._deep_iterations.get(id_, 0) + 1
        if count > limit:
            raise JsonLdProcessingError(
                "canonicalization work limit exceeded (crafted blank node structure)",
                code="jsonld_too_complex",
            )
        self._deep_iterations[id_] = count
        return super().hash_n_degree_quads(id_, issuer)


def canonize(document: Mapping[str, Any]) -> str:
    """RDFC-1.0 (URDNA2015) canonical N-Quads of ``document``, after safe-mode expansion."""
    expanded = expand(document)
    processor = _Processor()
    try:
        # Equivalent to pyld's to_rdf() on the expanded form, without expanding it a second
        # time (the W3C and OB vectors guard this against pyld upgrades).
        issuer = IdentifierIssuer("_:b")
        node_map: dict[str, Any] = {"@default": {}}
        processor._create_node_map(expanded, node_map, "@default", issuer)
        options = {
            "produceGeneralizedRdf": False,
            "rdfDirection": None,
            "processingMode": "json-ld-1.1",
        }
        dataset = {
            name: processor._graph_to_rdf(graph, issuer, options)
            for name, graph in sorted(node_map.items())
            if name == "@default" or _is_absolute_iri(name)
        }
        return _BoundedURDNA2015().main(dataset, {"format": "application/n-quads"})
    except jsonld.JsonLdError as exc:
        raise JsonLdProcessingError(f"could not canonicalize: {_describe(exc)}") from None
    except _PYLD_INTERNAL_ERRORS as exc:
        raise JsonLdProcessingError(f"could not canonicalize: {exc}"[:300]) from None


# --- cached safe-mode check ----------------------------------------------------------------

# Keys whose values decide which terms are defined (type-scoped contexts) or are validated
# by expansion itself; their values are kept verbatim in the skeleton.
_KEEP_VALUES = frozenset({"@context", "type", "@type", "@language", "@direction", "@container"})
_NOT_A_TERM = "\x00"  # relative, and no context can define it as a term
_passed_cache: LRUCache = LRUCache(maxsize=1024)


@functools.cache
def _term_names() -> frozenset[str]:
    """Every key appearing anywhere in the pinned contexts (terms, at any scope)."""
    names: set[str] = set()
    stack: list[Any] = [ctx.document for ctx in pinned_contexts().values()]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            names.update(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return frozenset(names)


class _InlineContext(Exception):
    """The document defines its own context: skeletons cannot be compared safely."""


def _skeleton(node: Any, terms: frozenset[str], keep: bool = False) -> Any:
    """The document with literals replaced by placeholders of the same safe-mode class.

    Safe-mode expansion can only be affected by a string value in an ``@id`` or ``@vocab``
    position, where what matters is whether it is a blank node, an absolute IRI, a term
    defined by some context, or anything else (relative); the placeholder keeps that class.
    Keys, ``@context`` and ``type`` values are kept. So credentials built from one template
    share one skeleton and one expansion.
    """
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k == "@context" and _has_object(v):
                raise _InlineContext
            out[k] = _skeleton(v, terms, keep or k in _KEEP_VALUES)
        return out
    if isinstance(node, list):
        return [_skeleton(v, terms, keep) for v in node]
    if keep or not isinstance(node, str):
        return node if (keep or node is None or isinstance(node, bool)) else 0
    if node.startswith("_:"):
        return "_:b"
    if ":" in node:
        return "x:y"
    if node == "" or node in terms:
        return node
    return _NOT_A_TERM


def _has_object(value: Any) -> bool:
    return isinstance(value, dict) or (
        isinstance(value, list) and any(isinstance(v, dict) for v in value)
    )


def expand_cached(document: Mapping[str, Any]) -> None:
    """Safe-mode check of :func:`expand`, with successes memoised on the document's skeleton.

    Raises exactly what :func:`expand` raises (failures are always recomputed, so their
    messages name this document's terms); returns nothing.
    """
    try:
        skeleton = _skeleton(document, _term_names())
        try:
            key: bytes | str = orjson.dumps(skeleton, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:  # lone surrogates, huge integers: the slower encoder
            key = json.dumps(skeleton, sort_keys=True, separators=(",", ":"))
    except (_InlineContext, TypeError, ValueError):
        expand(document)
        return
    with _cache_lock:
        if _passed_cache.get(key):
            return
    expand(document)
    with _cache_lock:
        _passed_cache[key] = True
