"""Writes of the credentials app: issuers and their keys, templates, issuing, status changes,
status list publication and the holder's share switch.

Every mutation goes through one named function here, so the admin, the Celery task, the
management command and the tests behave the same.
"""

import json
import logging
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import conf, institutions, learning, selectors, vc
from .achievements import achievement_spec, bilingual, issuer_profile
from .conf import absolute_url
from .models import (
    CredentialTemplate,
    IssuedCredential,
    Issuer,
    IssuerKey,
    StatusChange,
    StatusList,
)

logger = logging.getLogger(__name__)

STATUS_PERMISSION = "credentials.change_credential_status"


def dumps(document: dict[str, Any]) -> str:
    """The stored and served form of a signed document (UTF-8 JSON, stable layout)."""
    return json.dumps(document, ensure_ascii=False, indent=2)


# --- issuers and keys ----------------------------------------------------------------------


def issuer_did_path(slug: str) -> str:
    """The path below the site where an issuer's did:web document lives (without did.json)."""
    return conf.did_web_path("credentials", "issuers", slug)


def _new_did(issuer: Issuer, keypair: vc.KeyPair) -> tuple[str, str]:
    """(DID, verification method id) for a new key: did:web on a public host, else did:key."""
    host = conf.public_host()
    if host:
        did = vc.did_web_for(host, issuer_did_path(issuer.slug))
        return did, f"{did}#{keypair.public_multibase}"
    did = vc.did_key_for(keypair)
    return did, vc.did_key_verification_method(did)


def issuer_key_create(issuer: Issuer) -> IssuerKey:
    """Give `issuer` a fresh Ed25519 key and retire the previous one (key rotation).

    Credentials already issued keep verifying: retired keys stay in the did:web document, and
    a did:key identifies its own key. The private key is stored only encrypted.
    """
    keypair = vc.generate_keypair()
    did, method = _new_did(issuer, keypair)
    token = vc.encrypt_private_key(keypair, conf.key_secret(), key_id=method)
    with transaction.atomic():
        IssuerKey.objects.filter(issuer=issuer, retired_at__isnull=True).update(
            retired_at=timezone.now()
        )
        key = IssuerKey.objects.create(
            issuer=issuer,
            did=did,
            verification_method=method,
            public_multibase=keypair.public_multibase,
            encrypted_private_key=token,
        )
    # The did:web document now lists one more key (selectors caches it): forget it now, and
    # again at commit in case a verifier cached the old one in between.
    cache_key = selectors.did_document_cache_key(issuer.slug)
    cache.delete(cache_key)
    transaction.on_commit(lambda: cache.delete(cache_key))
    logger.info("credentials: new issuer key", extra={"issuer": issuer.slug, "method": method})
    return key


def issuer_rotate_key(issuer_id: int, *, actor=None) -> IssuerKey:
    """Rotate an issuer's signing key (staff only when `actor` is given)."""
    if actor is not None and not actor.has_perm("credentials.add_issuerkey"):
        raise PermissionDenied
    return issuer_key_create(Issuer.objects.get(pk=issuer_id))


def issuer_keypair(key: IssuerKey) -> vc.KeyPair:
    """Decrypt an issuer key for signing (never log or return the result)."""
    return vc.decrypt_private_key(
        key.encrypted_private_key, conf.key_secret(), key_id=key.verification_method
    )


def issuer_for_institution(institution_id: int) -> Issuer:
    """The issuer of an institution, created (with its first key) on first use."""
    issuer = Issuer.objects.filter(institution_id=institution_id).first()
    if issuer is not None:
        return issuer
    info = institutions.institution_summary(institution_id)
    name = info.get("name") or {}
    slug = slugify(info.get("slug") or "") or f"institution-{institution_id}"
    if Issuer.objects.filter(slug=slug).exists():
        slug = f"{slug}-{institution_id}"
    try:
        with transaction.atomic():
            issuer = Issuer.objects.create(
                institution_id=institution_id,
                slug=slug[:80],
                name_en=(name.get("en") or name.get("zh-hans") or slug)[:200],
                name_zh=(name.get("zh-hans") or name.get("en") or slug)[:200],
                url=absolute_url(info["url"]) if info.get("url") else "",
                image_url=absolute_url(info["logo_url"]) if info.get("logo_url") else "",
            )
            issuer_key_create(issuer)
    except IntegrityError:
        # Another worker created it at the same moment.
        issuer = Issuer.objects.get(institution_id=institution_id)
    return issuer


def _signing_key(issuer: Issuer, did: str) -> IssuerKey:
    """The key that signs for `did`: the current one, or for a did:key issuer that rotated,
    the newest key of that DID (status lists stay with the DID they began with)."""
    keys = issuer.keys.filter(did=did)
    key = keys.filter(retired_at__isnull=True).first() or keys.order_by("-created_at").first()
    if key is None:
        raise IssuerKey.DoesNotExist(f"no key of {issuer.slug} for {did}")
    return key


# --- templates -----------------------------------------------------------------------------


def _summary_texts(summary: dict[str, Any], key: str) -> tuple[str, str]:
    value = summary.get(key) or {}
    if isinstance(value, str):
        return value, value
    return value.get("en") or "", value.get("zh-hans") or ""


def template_for(kind: str, page_id: int) -> CredentialTemplate | None:
    """The active template of a course (`kind="course"`) or programme (`"program"`).

    Uses the template the course names (`credential_template_id`), else the one made for the
    page, else makes one from the course's summary. None when the template is switched off.
    """
    field = "program_page_id" if kind == "program" else "course_page_id"
    summary_of = institutions.program_summary if kind == "program" else institutions.course_summary
    summary = summary_of(page_id)
    named = summary.get("credential_template_id")
    if named:
        template = CredentialTemplate.objects.filter(pk=named).first()
        if template is not None:
            return template if template.is_active else None
    template = CredentialTemplate.objects.filter(**{field: page_id}).first()
    if template is None:
        template = _template_from_summary(field, page_id, summary)
    return template if template.is_active else None


def _template_from_summary(field: str, page_id: int, summary: dict[str, Any]) -> CredentialTemplate:
    title_en, title_zh = _summary_texts(summary, "title")
    desc_en, desc_zh = _summary_texts(summary, "description")
    outcomes = summary.get("outcomes") or {}
    outcomes_en = "".join(f"\n- {item}" for item in outcomes.get("en") or [])
    outcomes_zh = "".join(f"\n- {item}" for item in outcomes.get("zh-hans") or [])
    institution = summary.get("institution") or {}
    hours = summary.get("hours")
    try:
        with transaction.atomic():
            return CredentialTemplate.objects.create(
                **{field: page_id},
                institution_id=int(institution["id"]),
                name_en=(title_en or title_zh)[:200],
                name_zh=(title_zh or title_en)[:200],
                description_en=desc_en,
                description_zh=desc_zh,
                criteria_en=(
                    f"Completed every lesson, quiz and lab of “{title_en or title_zh}”."
                    + outcomes_en
                ),
                criteria_zh=f"完成《{title_zh or title_en}》的全部课时、测验和实验。" + outcomes_zh,
                page_url=absolute_url(summary["url"]) if summary.get("url") else "",
                level=str(summary.get("level") or "")[:64],
                hours=Decimal(str(hours)) if hours not in (None, "") else None,
                skills=list(summary.get("skills") or []),
                evidence_en="Passed the course's quizzes and hands-on PLC labs on this platform.",
                evidence_zh="通过本平台该课程的全部测验和 PLC 动手实验。",
            )
    except IntegrityError:
        return CredentialTemplate.objects.get(**{field: page_id})


# --- status lists --------------------------------------------------------------------------


def _status_list_create(issuer: Issuer, did: str, purpose: str) -> StatusList:
    size = len(vc.StatusList())
    status_list = StatusList.objects.create(
        issuer=issuer,
        did=did,
        purpose=purpose,
        size=size,
        # Any odd stride is coprime with the power-of-two size: every index comes up once.
        stride=secrets.randbelow(size // 2) * 2 + 1,
        offset=secrets.randbelow(size),
        bits=bytes(size // 8),
    )
    status_list_publish(status_list)
    return status_list


def _allocate(issuer: Issuer, did: str, purpose: str) -> tuple[StatusList, int]:
    """Hand out the next free index of the issuer's open list (a new list when full)."""
    status_list = (
        StatusList.objects.select_for_update()
        .filter(issuer=issuer, did=did, purpose=purpose, allocated__lt=F("size"))
        .order_by("pk")
        .first()
    )
    if status_list is None:
        status_list = _status_list_create(issuer, did, purpose)
    index = (status_list.offset + status_list.allocated * status_list.stride) % status_list.size
    StatusList.objects.filter(pk=status_list.pk).update(allocated=F("allocated") + 1)
    return status_list, index


def status_list_publish(status_list: StatusList) -> StatusList:
    """Sign the list's current bits as a BitstringStatusListCredential and store it for the
    public URL (Bitstring Status List v1.0, section 2.2)."""
    key = _signing_key(status_list.issuer, status_list.did)
    bits = vc.StatusList(size=status_list.size, bits=bytes(status_list.bits))
    now = timezone.now()
    unsigned = bits.status_list_credential(
        list_id=absolute_url(status_list.get_absolute_url()),
        issuer=status_list.did,
        purpose=status_list.purpose,
        valid_from=now.replace(microsecond=0),
    )
    signed = vc.sign_credential(unsigned, issuer_keypair(key), key.verification_method, created=now)
    status_list.document = json.dumps(signed, separators=(",", ":"))
    status_list.published_at = now
    status_list.save(update_fields=["document", "published_at"])
    return status_list


def _set_bit(status_list_id: int, index: int, value: bool) -> None:
    status_list = StatusList.objects.select_for_update().get(pk=status_list_id)
    bits = vc.StatusList(size=status_list.size, bits=bytes(status_list.bits))
    bits.set(index, value)
    status_list.bits = bits.to_bytes()
    status_list.save(update_fields=["bits"])
    status_list_publish(status_list)


# --- issuing -------------------------------------------------------------------------------


# --- evidence ------------------------------------------------------------------------------

_EVIDENCE_AUDIENCE = ("雇主与评审人员", "Employers and assessors")
_LAB_KINDS = {
    # kind: (name prefix zh, en), genre (zh, en), how it was graded (zh, en)
    "plc": (
        ("PLC 实验", "PLC lab"),
        ("PLC 实验成绩", "PLC lab result"),
        ("由本平台在模拟设备上运行学员程序自动评分", "graded automatically by running the "
         "learner's program against a simulated plant on this platform"),
    ),
    "notebook": (
        ("Jupyter 数据实验", "Jupyter lab"),
        ("Jupyter 实验成绩", "Jupyter lab result"),
        ("由本平台运行笔记本中的测试自动评分", "graded automatically by running the "
         "notebook's tests on this platform"),
    ),
}  # fmt: skip


def _day(moment: datetime | None) -> str:
    return moment.astimezone(UTC).date().isoformat() if moment else "—"


def _score(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _course_ids(template: CredentialTemplate) -> list[int]:
    if template.program_page_id:
        return learning.program_course_ids(template.program_page_id)
    return [template.course_page_id] if template.course_page_id else []


def _rank(row: dict[str, Any]) -> tuple[float, float]:
    """Higher score first, then the earlier attempt."""
    graded = row["graded_at"]
    return row["score"], -graded.timestamp() if graded else float("-inf")


def _lab_evidence(user_id: int, records: list[dict[str, Any]]) -> list[vc.EvidenceItem]:
    lab_lessons = [r for r in records if r["has_lab"]]
    key_of = {pid: r["lesson_key"] for r in lab_lessons for pid in r["page_ids"]}
    # A lab done in the Chinese and the English lesson is one lab: keep its best result.
    best: dict[tuple[Any, str], dict[str, Any]] = {}
    for row in learning.lab_results(user_id, list(key_of)):
        lab = (key_of[row["lesson_page_id"]], row["block_id"])
        kept = best.get(lab)
        if kept is None or _rank(row) > _rank(kept):
            attempts = row["attempts"] + (kept["attempts"] if kept else 0)
            best[lab] = {**row, "attempts": attempts}
        else:
            kept["attempts"] += row["attempts"]
    items = []
    for record in lab_lessons:
        for (lesson_key, _block), row in best.items():
            if lesson_key != record["lesson_key"]:
                continue
            (prefix_zh, prefix_en), genre, (how_zh, how_en) = _LAB_KINDS.get(
                row["kind"], _LAB_KINDS["plc"]
            )
            title_zh, title_en = record["title"]["zh-hans"], record["title"]["en"]
            score, day = _score(row["score"]), _day(row["graded_at"])
            tries = (row["attempt"], row["attempts"])
            named_zh = f"实验“{row['title']}”" if row["title"] else "实验"
            named_en = f"Lab “{row['title']}”" if row["title"] else "The lab"
            items.append(
                vc.EvidenceItem(
                    name=bilingual(f"{prefix_zh}：{title_zh}", f"{prefix_en}: {title_en}"),
                    description=bilingual(
                        f"最佳通过成绩 {score}/100（{day}）",
                        f"Best passing score {score}/100 on {day}",
                    ),
                    narrative=bilingual(
                        f"{named_zh}在第 {tries[0]} 次尝试通过（共 {tries[1]} 次评分）；{how_zh}。",
                        f"{named_en} was passed at attempt {tries[0]} of {tries[1]} graded; "
                        f"{how_en}.",
                    ),
                    genre=bilingual(*genre),
                    audience=bilingual(*_EVIDENCE_AUDIENCE),
                )
            )
    return items


def _quiz_evidence(user_id: int, records: list[dict[str, Any]]) -> list[vc.EvidenceItem]:
    quiz_lessons = [r for r in records if r["has_quiz"]]
    results = learning.quiz_results(user_id, [r["lesson_key"] for r in quiz_lessons])
    items = []
    for record in quiz_lessons:
        row = results.get(record["lesson_key"])
        if row is None:
            continue
        score, day = _score(row["score"]), _day(row["submitted_at"])
        title_zh, title_en = record["title"]["zh-hans"], record["title"]["en"]
        items.append(
            vc.EvidenceItem(
                name=bilingual(f"测验：{title_zh}", f"Quiz: {title_en}"),
                description=bilingual(
                    f"最佳通过成绩 {score}%（{day}）", f"Best passing score {score}% on {day}"
                ),
                narrative=bilingual(
                    f"第 {row['attempt']} 次尝试通过（共 {row['attempts']} 次），由本平台在服务器上评分。",
                    f"Passed at attempt {row['attempt']} of {row['attempts']}; graded on "
                    "this platform's server.",
                ),
                genre=bilingual("测验成绩", "Quiz result"),
                audience=bilingual(*_EVIDENCE_AUDIENCE),
            )
        )
    return items


def credential_evidence(template: CredentialTemplate, user_id: int) -> list[vc.EvidenceItem]:
    """The OB 3.0 Evidence of the learner's credential, as the template asks: its summary
    text, then the learner's own results read from the courses and labs apps (the best
    passing attempt of each lab, each quiz's best passing score), in course outline order."""
    evidence = []
    if template.evidence_en or template.evidence_zh:
        evidence.append(
            vc.EvidenceItem(
                name=bilingual("学习证据", "Evidence"),
                narrative=bilingual(template.evidence_zh, template.evidence_en),
                audience=bilingual(*_EVIDENCE_AUDIENCE),
            )
        )
    if not (template.evidence_lab_results or template.evidence_quiz_scores):
        return evidence
    records = learning.lesson_records(_course_ids(template))
    if template.evidence_lab_results:
        evidence.extend(_lab_evidence(user_id, records))
    if template.evidence_quiz_scores:
        evidence.extend(_quiz_evidence(user_id, records))
    return evidence


def _build(
    *,
    credential_id: str,
    template: CredentialTemplate,
    issuer: Issuer,
    key: IssuerKey,
    email: str,
    issued_at: datetime,
    valid_until: datetime | None,
    statuses: list[dict[str, Any]],
    evidence: list[vc.EvidenceItem],
) -> dict[str, Any]:
    profile = issuer_profile(issuer, key.did)
    achievement = achievement_spec(template, profile)
    return vc.build_achievement_credential(
        credential_id=credential_id,
        issuer=profile,
        achievement=achievement,
        recipient_email=email,
        valid_from=issued_at,
        valid_until=valid_until,
        status_entries=statuses,
        evidence=evidence,
        awarded_date=issued_at,
    )


def credential_issue(*, user_id: int, template_id: int, completed_at: datetime) -> IssuedCredential:
    """Issue the template's OpenBadgeCredential to the user, exactly once.

    Idempotent: a second call (a re-run task, a worker that died after committing) returns the
    credential already issued; the unique (holder, template) constraint settles races.
    """
    existing = IssuedCredential.objects.filter(holder_id=user_id, template_id=template_id).first()
    if existing is not None:
        return existing
    template = CredentialTemplate.objects.get(pk=template_id)
    holder = get_user_model().objects.get(pk=user_id)
    issuer = issuer_for_institution(template.institution_id)
    evidence = credential_evidence(template, user_id)
    try:
        with transaction.atomic():
            key = issuer.current_key() or issuer_key_create(issuer)
            rev_list, rev_index = _allocate(issuer, key.did, StatusList.Purpose.REVOCATION)
            sus_list, sus_index = _allocate(issuer, key.did, StatusList.Purpose.SUSPENSION)
            public_id = uuid.uuid4()
            credential_url = absolute_url(
                reverse("credentials_public:credential", kwargs={"public_id": public_id})
            )
            issued_at = timezone.now().replace(microsecond=0)
            valid_until = (
                issued_at + timedelta(days=template.valid_for_days)
                if template.valid_for_days
                else None
            )
            statuses = [
                vc.status_entry(
                    list_credential_url=absolute_url(rev_list.get_absolute_url()),
                    index=rev_index,
                    purpose="revocation",
                ),
                vc.status_entry(
                    list_credential_url=absolute_url(sus_list.get_absolute_url()),
                    index=sus_index,
                    purpose="suspension",
                ),
            ]
            unsigned = _build(
                credential_id=credential_url,
                template=template,
                issuer=issuer,
                key=key,
                email=holder.email,
                issued_at=issued_at,
                valid_until=valid_until,
                statuses=statuses,
                evidence=evidence,
            )
            keypair = issuer_keypair(key)
            signed = vc.sign_credential(
                unsigned, keypair, key.verification_method, vc.RDFC, created=issued_at
            )
            if template.also_sign_jcs:
                signed = vc.sign_credential(
                    signed, keypair, key.verification_method, vc.JCS, created=issued_at
                )
            credential = IssuedCredential.objects.create(
                public_id=public_id,
                holder=holder,
                template=template,
                issuer_key=key,
                document=dumps(signed),
                revocation_list=rev_list,
                revocation_index=rev_index,
                suspension_list=sus_list,
                suspension_index=sus_index,
                completed_at=completed_at,
                issued_at=issued_at,
                valid_until=valid_until,
            )
    except IntegrityError:
        # A concurrent run of the same task committed first: that credential is the one.
        return IssuedCredential.objects.get(holder_id=user_id, template_id=template_id)
    logger.info(
        "credentials: issued",
        extra={"credential": str(credential.public_id), "template": template.pk},
    )
    return credential


def credential_issue_for_completion(
    *, user_id: int, kind: str, page_id: int, completed_at: datetime
) -> IssuedCredential | None:
    """Issue the credential of a completed course or programme (None if it has none)."""
    template = template_for(kind, page_id)
    if template is None:
        return None
    return credential_issue(user_id=user_id, template_id=template.pk, completed_at=completed_at)


# --- status changes ------------------------------------------------------------------------

_TRANSITIONS = {
    StatusChange.Action.REVOKE: (
        {IssuedCredential.Status.ACTIVE, IssuedCredential.Status.SUSPENDED},
        IssuedCredential.Status.REVOKED,
    ),
    StatusChange.Action.SUSPEND: (
        {IssuedCredential.Status.ACTIVE},
        IssuedCredential.Status.SUSPENDED,
    ),
    StatusChange.Action.REINSTATE: (
        {IssuedCredential.Status.SUSPENDED},
        IssuedCredential.Status.ACTIVE,
    ),
}


def credential_in_reach(credential: IssuedCredential, user) -> bool:
    """Whether staff member `user` manages the institution that issued `credential`."""
    allowed = institutions.staff_institution_ids(user)
    return allowed is None or credential.issuer_key.issuer.institution_id in allowed


# Audit log kinds (lms.accounts AuditEvent.Kind) of each status change.
_AUDIT_KINDS = {
    StatusChange.Action.REVOKE: "credential_revoked",
    StatusChange.Action.SUSPEND: "credential_suspended",
    StatusChange.Action.REINSTATE: "credential_reinstated",
}


def credential_status_change(
    credential_id: int, *, action: str, reason: str, actor=None
) -> IssuedCredential:
    """Revoke, suspend or reinstate a credential, record who and why, republish the list.

    Raises PermissionDenied when `actor` lacks the permission, ValidationError (bilingual
    message) for an empty reason or a change that does not apply (revocation is final).
    """
    if actor is not None and not actor.has_perm(STATUS_PERMISSION):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason: it is kept in the audit trail."))
    try:
        allowed_from, new_status = _TRANSITIONS[StatusChange.Action(action)]
    except ValueError:
        raise ValidationError(_("Unknown action.")) from None
    with transaction.atomic():
        credential = (
            IssuedCredential.objects.select_for_update()
            .select_related("issuer_key__issuer")
            .get(pk=credential_id)
        )
        if actor is not None and not credential_in_reach(credential, actor):
            raise PermissionDenied
        if credential.status not in allowed_from:
            raise ValidationError(
                _("This change does not apply to a credential that is %(status)s.")
                % {"status": credential.get_status_display()}
            )
        if action == StatusChange.Action.REVOKE:
            _set_bit(credential.revocation_list_id, credential.revocation_index, True)
        else:
            _set_bit(
                credential.suspension_list_id,
                credential.suspension_index,
                action == StatusChange.Action.SUSPEND,
            )
        credential.status = new_status
        credential.status_reason = reason
        credential.save(update_fields=["status", "status_reason"])
        StatusChange.objects.create(
            credential=credential,
            action=action,
            reason=reason,
            actor=actor if actor is not None and actor.is_authenticated else None,
        )
        from lms import services as lms_services

        lms_services.audit_record(
            _AUDIT_KINDS[action],
            actor.pk if actor is not None and actor.is_authenticated else None,
            credential.holder_id,
            f"{action}: {credential.public_id}",
            {"credential": str(credential.public_id), "action": action, "reason": reason},
        )
    logger.info(
        "credentials: status changed",
        extra={"credential": str(credential.public_id), "action": action},
    )
    return credential


def credential_share_set(credential_id: int, *, holder_id: int, shared: bool) -> IssuedCredential:
    """Switch the public link of the holder's own credential on or off."""
    credential = IssuedCredential.objects.get(pk=credential_id, holder_id=holder_id)
    credential.shared = shared
    credential.save(update_fields=["shared"])
    return credential
