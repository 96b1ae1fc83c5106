"""Building OpenBadgeCredentials from plain data, and checking their structure.

The shape follows Open Badges 3.0 (section 8, data model) on the VC Data Model 2.0:
``@context`` VC 2.0 then OB 3.0.3 (then the OB extensions context); ``type``
VerifiableCredential + OpenBadgeCredential; an issuer ``Profile``; ``validFrom`` /
``validUntil``; an ``AchievementSubject`` whose ``identifier`` is an ``IdentityObject``
carrying the salted SHA-256 of the learner's e-mail; the ``Achievement`` with ``Alignment``
entries for skills; ``credentialStatus`` entries; ``credentialSchema``; ``evidence``.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import hmac
import json
import secrets
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema
import orjson
from cachetools import LRUCache
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT4

from .errors import ContextError
from .jsonld import OB_EXTENSIONS_CONTEXT, OB_V3P0_CONTEXT, VC_V1_CONTEXT, VC_V2_CONTEXT

OB_SCHEMA_URL = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
OB_SCHEMA_TYPE = "1EdTechJsonSchemaValidator2019"
SCHEMA_ID = OB_SCHEMA_URL
SCHEMA_PATH = Path(__file__).parent / "schemas" / "ob_v3p0_achievementcredential_schema_draft4.json"
# Published OB 3.0 schema (draft-04 variant), pinned like the contexts (docs/decisions/0022).
SCHEMA_SHA256 = "125a8bd1f4dca186e23dc5142734a27193e867713580a0cdd4eea56752fab2bf"
OB_CREDENTIAL_TYPES = ("OpenBadgeCredential", "AchievementCredential")


@dataclass(frozen=True)
class Alignment:
    """A skill (or other framework item) the achievement aligns to (OB 3.0 Alignment)."""

    target_name: str
    target_url: str
    target_description: str | None = None
    target_code: str | None = None
    target_framework: str | None = None
    target_type: str | None = None  # e.g. "ceasn:Competency", "CFItem", "ext:..."

    def to_json(self) -> dict[str, Any]:
        """OB 3.0 JSON form."""
        data: dict[str, Any] = {
            "type": ["Alignment"],
            "targetName": self.target_name,
            "targetUrl": self.target_url,
        }
        for key, value in (
            ("targetDescription", self.target_description),
            ("targetCode", self.target_code),
            ("targetFramework", self.target_framework),
            ("targetType", self.target_type),
        ):
            if value is not None:
                data[key] = value
        return data


@dataclass(frozen=True)
class IssuerProfile:
    """The issuing institution (OB 3.0 Profile); ``id`` is its DID."""

    id: str
    name: str
    url: str | None = None
    email: str | None = None
    image_url: str | None = None
    description: str | None = None

    def to_json(self) -> dict[str, Any]:
        """OB 3.0 JSON form."""
        data: dict[str, Any] = {"id": self.id, "type": ["Profile"], "name": self.name}
        if self.url:
            data["url"] = self.url
        if self.email:
            data["email"] = self.email
        if self.description:
            data["description"] = self.description
        if self.image_url:
            data["image"] = {"id": self.image_url, "type": "Image"}
        return data


@dataclass(frozen=True)
class AchievementSpec:
    """What was achieved (OB 3.0 Achievement), from the course or programme template.

    ``level`` and ``hours`` have no OB 3.0 property of their own; they are published as tags
    (``level:<value>``, ``hours:<value>``) so they stay machine-readable and inside the
    signed, context-defined vocabulary (see docs/decisions/0022).
    """

    id: str
    name: str
    description: str
    criteria_narrative: str
    achievement_type: str = "Course"
    image_url: str | None = None
    image_caption: str | None = None
    alignments: Sequence[Alignment] = ()
    level: str | None = None
    hours: float | None = None
    field_of_study: str | None = None
    human_code: str | None = None
    tags: Sequence[str] = ()
    creator: IssuerProfile | None = None
    in_language: str | None = None

    def to_json(self) -> dict[str, Any]:
        """OB 3.0 JSON form."""
        data: dict[str, Any] = {
            "id": self.id,
            "type": ["Achievement"],
            "achievementType": self.achievement_type,
            "name": self.name,
            "description": self.description,
            "criteria": {"narrative": self.criteria_narrative},
        }
        if self.image_url:
            image: dict[str, Any] = {"id": self.image_url, "type": "Image"}
            if self.image_caption:
                image["caption"] = self.image_caption
            data["image"] = image
        if self.alignments:
            data["alignment"] = [a.to_json() for a in self.alignments]
        tags = list(self.tags)
        if self.level is not None:
            tags.append(f"level:{self.level}")
        if self.hours is not None:
            tags.append(f"hours:{self.hours:g}")
        if tags:
            data["tag"] = tags
        if self.field_of_study:
            data["fieldOfStudy"] = self.field_of_study
        if self.human_code:
            data["humanCode"] = self.human_code
        if self.in_language:
            data["inLanguage"] = self.in_language
        if self.creator is not None:
            data["creator"] = self.creator.to_json()
        return data


@dataclass(frozen=True)
class EvidenceItem:
    """Evidence included in the credential (OB 3.0 Evidence), e.g. a lab results summary."""

    name: str
    description: str | None = None
    narrative: str | None = None
    id: str | None = None
    genre: str | None = None
    audience: str | None = None

    def to_json(self) -> dict[str, Any]:
        """OB 3.0 JSON form."""
        data: dict[str, Any] = {"type": ["Evidence"], "name": self.name}
        for key, value in (
            ("id", self.id),
            ("description", self.description),
            ("narrative", self.narrative),
            ("genre", self.genre),
            ("audience", self.audience),
        ):
            if value is not None:
                data[key] = value
        return data


def achievement_document(achievement: AchievementSpec) -> dict[str, Any]:
    """The Achievement on its own, as served at its ``id`` URL (JSON-LD with the VC 2.0 and
    OB 3.0.3 contexts, the same terms as inside a credential)."""
    return {"@context": [VC_V2_CONTEXT, OB_V3P0_CONTEXT], **achievement.to_json()}


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def new_salt() -> str:
    """A random salt for a hashed identity (128 bits, hex)."""
    return secrets.token_hex(16)


def identity_hash(email: str, salt: str) -> str:
    """OB 3.0 IdentityHash of an e-mail: ``sha256$`` + hex SHA-256(normalised e-mail + salt).

    The e-mail is trimmed and lower-cased first, so a candidate's "Ann@Example.com" matches.
    """
    digest = hashlib.sha256((_normalise_email(email) + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


def email_identity(email: str, salt: str | None = None) -> dict[str, Any]:
    """An OB 3.0 IdentityObject for an e-mail address, hashed with a salt."""
    salt = salt or new_salt()
    return {
        "type": "IdentityObject",
        "identityHash": identity_hash(email, salt),
        "identityType": "emailAddress",
        "hashed": True,
        "salt": salt,
    }


def matches_email(credential: Mapping[str, Any], email: str) -> bool:
    """True if one of the subject's e-mail IdentityObjects matches ``email``.

    Handles hashed (sha256 / md5, as OB 3.0 allows) and plaintext identities.
    """
    subject = credential.get("credentialSubject")
    subjects = subject if isinstance(subject, list) else [subject]
    for subj in subjects:
        if not isinstance(subj, Mapping):
            continue
        ids = subj.get("identifier") or []
        for ident in ids if isinstance(ids, list) else [ids]:
            if not isinstance(ident, Mapping) or ident.get("identityType") != "emailAddress":
                continue
            value = str(ident.get("identityHash", ""))
            salt = str(ident.get("salt") or "")
            if not ident.get("hashed"):
                if hmac.compare_digest(_normalise_email(value), _normalise_email(email)):
                    return True
                continue
            algo, _, digest = value.partition("$")
            if algo.lower() not in ("sha256", "md5"):
                continue
            for candidate in {email.strip() + salt, _normalise_email(email) + salt}:
                got = hashlib.new(algo.lower(), candidate.encode("utf-8")).hexdigest()
                if hmac.compare_digest(got, digest.lower()):
                    return True
    return False


def _iso(value: datetime | str) -> str:
    if isinstance(value, str):
        return value
    if value.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    return value.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def build_achievement_credential(
    *,
    credential_id: str,
    issuer: IssuerProfile,
    achievement: AchievementSpec,
    recipient_email: str,
    valid_from: datetime | str,
    valid_until: datetime | str | None = None,
    name: str | None = None,
    description: str | None = None,
    salt: str | None = None,
    subject_id: str | None = None,
    status_entries: Iterable[Mapping[str, Any]] = (),
    evidence: Iterable[EvidenceItem] = (),
    awarded_date: datetime | str | None = None,
) -> dict[str, Any]:
    """Build an unsigned OpenBadgeCredential (OB 3.0.3 on VC 2.0) from plain data.

    ``status_entries`` are ``BitstringStatusListEntry`` dicts (see
    :func:`credentials.vc.status.status_entry`), typically one for revocation and one for
    suspension. Sign the result with :func:`credentials.vc.sign_credential`.
    """
    subject: dict[str, Any] = {"type": ["AchievementSubject"]}
    if subject_id:
        subject["id"] = subject_id
    subject["identifier"] = [email_identity(recipient_email, salt)]
    subject["achievement"] = achievement.to_json()
    credential: dict[str, Any] = {
        # The OB extensions context defines the credentialSchema type
        # 1EdTechJsonSchemaValidator2019; without it safe-mode expansion rejects the type.
        "@context": [VC_V2_CONTEXT, OB_V3P0_CONTEXT, OB_EXTENSIONS_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name or achievement.name,
        "issuer": issuer.to_json(),
        "validFrom": _iso(valid_from),
    }
    if description:
        credential["description"] = description
    if valid_until is not None:
        credential["validUntil"] = _iso(valid_until)
    if awarded_date is not None:
        credential["awardedDate"] = _iso(awarded_date)
    credential["credentialSubject"] = subject
    statuses = [dict(e) for e in status_entries]
    if statuses:
        credential["credentialStatus"] = statuses if len(statuses) > 1 else statuses[0]
    credential["credentialSchema"] = [{"id": OB_SCHEMA_URL, "type": OB_SCHEMA_TYPE}]
    items = [e.to_json() for e in evidence]
    if items:
        credential["evidence"] = items
    return credential


# --- schema validation ---------------------------------------------------------------------


def _adapt_schema(node: Any, vc2: bool) -> None:
    """Adapt the published draft-4 OB 3.0 schema (written for VC 1.1) to what OB 3.0.3 and
    VC 2.0 allow (docs/decisions/0022): for VC 2.0 credentials ``issuanceDate`` /
    ``expirationDate`` become ``validFrom`` / ``validUntil``; extra properties are allowed as
    in OB 3.0.3. Every other constraint is kept.
    """
    if isinstance(node, list):
        for item in node:
            _adapt_schema(item, vc2)
        return
    if not isinstance(node, dict):
        return
    props = node.get("properties")
    if vc2 and isinstance(props, dict) and "issuanceDate" in props:
        props["validFrom"] = copy.deepcopy(props["issuanceDate"])
        props["validUntil"] = copy.deepcopy(props.get("expirationDate", props["issuanceDate"]))
        props.pop("issuanceDate")
        props.pop("expirationDate", None)
        node["required"] = [
            "validFrom" if r == "issuanceDate" else r for r in node.get("required", [])
        ]
    if node.get("additionalProperties") is False:
        node["additionalProperties"] = True
    for key, value in node.items():
        if key != "required":
            _adapt_schema(value, vc2)


@functools.cache
def _schema(vc2: bool) -> dict[str, Any]:
    raw = SCHEMA_PATH.read_bytes()
    if hashlib.sha256(raw).hexdigest() != SCHEMA_SHA256:
        raise ContextError(
            f"bundled schema {SCHEMA_PATH.name} was altered", code="context_tampered"
        )
    schema = json.loads(raw)
    _adapt_schema(schema, vc2)
    props = schema["properties"]
    # The item description pins VC 1.1 URLs; context checks are done by the JSON-LD step.
    props["@context"].pop("items", None)
    # VC 2.0 section 4.10: credentialStatus may be one entry or a list of entries.
    single = props["credentialStatus"]
    props["credentialStatus"] = {"oneOf": [single, {"type": "array", "items": single}]}
    return schema


def _refuse_retrieval(uri: str) -> Resource:
    raise NoSuchResource(ref=uri)


@functools.cache
def _validator(vc2: bool) -> jsonschema.Draft4Validator:
    """Full validator (collects every error); references resolve only inside the bundled
    schema, never over the network."""
    schema = _schema(vc2)
    resource = Resource.from_contents(schema, default_specification=DRAFT4)
    registry = Registry(retrieve=_refuse_retrieval).with_resource(SCHEMA_ID, resource)
    return jsonschema.Draft4Validator(
        schema, registry=registry, format_checker=jsonschema.FormatChecker()
    )


def _refuse_url(uri: str) -> Any:
    raise ValueError(f"schema reference {uri} is not bundled; refusing to fetch it")


# The issuer Profile and the Achievement are the same in every credential of a template and
# take about half of the schema check: the fast path checks them on their own and remembers
# the ones that passed (by the sha256 of their canonical JSON). In draft-04, a property
# whose schema is a plain $ref holds exactly when its value, if present, matches the
# referenced definition, so "the schema without them" and "each of them alone" together are
# the whole schema (a test compares both ways on fixtures and mutations).
_SPLIT_PARTS = (
    # (name, path to the property schema, the definition it refers to)
    ("issuer", ("properties", "issuer"), "Profile"),
    ("achievement", ("$defs", "AchievementSubject", "properties", "achievement"), "Achievement"),
)
_valid_parts: LRUCache = LRUCache(maxsize=512)
_parts_lock = threading.Lock()


def _refs_to(node: Any, target: str) -> int:
    if isinstance(node, dict):
        return (node.get("$ref") == target) + sum(_refs_to(v, target) for v in node.values())
    if isinstance(node, list):
        return sum(_refs_to(v, target) for v in node)
    return 0


@functools.cache
def _split_validators(vc2: bool) -> tuple[Callable[[Any], Any], dict[str, Callable[[Any], Any]]]:
    """(the schema without the split-off properties, {part name: its definition alone})."""
    full = _schema(vc2)
    # The split is only exact if each property is a bare $ref and the definition holding
    # the achievement is used in one place (credentialSubject).
    if _refs_to(full, "#/$defs/AchievementSubject") != 1:
        raise ContextError("unexpected OB schema layout", code="context_tampered")
    reduced = copy.deepcopy(full)
    parts = {}
    for name, path, definition in _SPLIT_PARTS:
        parent = functools.reduce(lambda node, key: node[key], path[:-1], reduced)
        if parent[path[-1]] != {"$ref": f"#/$defs/{definition}"}:
            raise ContextError("unexpected OB schema layout", code="context_tampered")
        parent[path[-1]] = {}
        alone = {
            "$schema": full["$schema"],
            "$ref": f"#/$defs/{definition}",
            "$defs": copy.deepcopy(full["$defs"]),
        }
        parts[name] = _compile(alone)
    return _compile(reduced), parts


def _compile(schema: dict[str, Any]) -> Callable[[Any], Any]:
    """The schema compiled by fastjsonschema: about ten times faster than jsonschema, used to
    accept valid credentials quickly; jsonschema then explains any failure. References
    resolve only inside the bundled schema (fastjsonschema annotates what it compiles: give
    it a copy)."""
    return fastjsonschema.compile(
        schema, handlers={"http": _refuse_url, "https": _refuse_url}, use_formats=True
    )


def _check_part(vc2: bool, name: str, value: Any) -> None:
    """Check one split-off part; raises fastjsonschema.JsonSchemaException if invalid."""
    try:
        text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        text = None
    key = (vc2, name, hashlib.sha256(text).digest()) if text is not None else None
    if key is not None:
        with _parts_lock:
            if _valid_parts.get(key):
                return
    _split_validators(vc2)[1][name](value)
    if key is not None:
        with _parts_lock:
            _valid_parts[key] = True


def _fast_validate(credential: Mapping[str, Any], vc2: bool) -> None:
    """The whole schema, through the split validators; raises JsonSchemaException."""
    reduced, _parts = _split_validators(vc2)
    reduced(credential)
    if "issuer" in credential:
        _check_part(vc2, "issuer", credential["issuer"])
    subject = credential.get("credentialSubject")
    if isinstance(subject, dict) and "achievement" in subject:
        _check_part(vc2, "achievement", subject["achievement"])


@dataclass(frozen=True)
class SchemaProblem:
    """One schema or structure violation: a JSON path and a developer-facing message."""

    path: str
    message: str


# OB 3.0 section 8: the ``type`` every nested object of these roles must include, as a tree
# property -> (required type, nested properties).
_TypeTree = dict[str, tuple[str, "_TypeTree"]]
_REQUIRED_TYPES: _TypeTree = {
    "issuer": (
        "Profile",
        {"parentOrg": ("Profile", {}), "otherIdentifier": ("IdentifierEntry", {})},
    ),
    "credentialSubject": (
        "AchievementSubject",
        {
            "identifier": ("IdentityObject", {}),
            "source": ("Profile", {}),
            "result": ("Result", {}),
            "achievement": (
                "Achievement",
                {
                    "creator": ("Profile", {}),
                    "alignment": ("Alignment", {}),
                    "resultDescription": ("ResultDescription", {}),
                    "otherIdentifier": ("IdentifierEntry", {}),
                },
            ),
        },
    ),
    "evidence": ("Evidence", {}),
}


def _check_types(
    node: Mapping[str, Any], tree: _TypeTree, path: str, problems: list[SchemaProblem]
) -> None:
    for key, (required, children) in tree.items():
        value = node.get(key)
        if value is None:
            continue
        is_list = isinstance(value, list)
        for i, obj in enumerate(value if is_list else [value]):
            if not isinstance(obj, dict):
                continue
            where = f"{path}.{key}[{i}]" if is_list else f"{path}.{key}"
            types = obj.get("type")
            if not (types == required or (isinstance(types, list) and required in types)):
                problems.append(SchemaProblem(where, f"type must include {required!r}"))
            if children:
                _check_types(obj, children, where, problems)


def validate_open_badge(credential: Mapping[str, Any]) -> list[SchemaProblem]:
    """Validate an OB 3.0 Achievement/OpenBadge credential against the bundled JSON schema
    (adapted to VC 2.0) and the OB 3.0 ``type`` requirements of nested objects.

    Returns the problems found (empty list = valid).
    """
    contexts = credential.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    vc2 = first != VC_V1_CONTEXT
    try:
        _fast_validate(credential, vc2)
        problems: list[SchemaProblem] = []
    except fastjsonschema.JsonSchemaException:
        problems = _schema_problems(credential, vc2)
    except (ValueError, TypeError, RecursionError) as exc:  # hostile input, not a schema error
        problems = [SchemaProblem("$", f"cannot be checked against the schema: {exc}"[:300])]
    problems.extend(_type_problems(credential))
    return problems


def _schema_problems(credential: Mapping[str, Any], vc2: bool) -> list[SchemaProblem]:
    validator = _validator(vc2)
    problems = [
        SchemaProblem("$" + "".join(f"[{p!r}]" for p in err.absolute_path), err.message[:300])
        for err in sorted(validator.iter_errors(credential), key=lambda e: list(map(str, e.path)))
    ]
    if not problems:  # the two validators disagree only on format edge cases
        problems.append(SchemaProblem("$", "does not match the schema"))
    return problems


def _type_problems(credential: Mapping[str, Any]) -> list[SchemaProblem]:
    problems: list[SchemaProblem] = []
    _check_types(credential, _REQUIRED_TYPES, "$", problems)
    return problems


def credential_types(credential: Mapping[str, Any]) -> list[str]:
    """The credential's ``type`` values as a list."""
    types = credential.get("type")
    return types if isinstance(types, list) else [types] if isinstance(types, str) else []


def is_open_badge(credential: Mapping[str, Any]) -> bool:
    """True for an OpenBadgeCredential / AchievementCredential."""
    return any(t in OB_CREDENTIAL_TYPES for t in credential_types(credential))


__all__ = [
    "AchievementSpec",
    "Alignment",
    "EvidenceItem",
    "IssuerProfile",
    "SchemaProblem",
    "achievement_document",
    "build_achievement_credential",
    "email_identity",
    "identity_hash",
    "matches_email",
    "validate_open_badge",
]
