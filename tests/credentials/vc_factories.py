"""Test data factories: an issuing institution with keys, DID document and status lists."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from credentials import vc

HOST = "training.example.cn"
NOW = datetime(2026, 6, 1, tzinfo=UTC)


@dataclass
class Institution:
    """An issuer with a did:web, its keys and its published documents (the "network")."""

    did: str = field(default_factory=lambda: vc.did_web_for(HOST, "issuers/dg-academy"))
    name: str = "东莞工业互联网学院 Dongguan IIoT Academy"
    keys: list[vc.KeyPair] = field(default_factory=lambda: [vc.generate_keypair()])
    retired: list[vc.KeyPair] = field(default_factory=list)
    lists: dict[str, vc.StatusList] = field(default_factory=dict)
    published: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> vc.KeyPair:
        """The current signing key."""
        return self.keys[-1]

    def vm(self, key: vc.KeyPair | None = None) -> str:
        """Verification method id of ``key`` (default: the current key)."""
        return f"{self.did}#{(key or self.key).public_multibase}"

    def list_url(self, purpose: str) -> str:
        """URL of this institution's status list for ``purpose``."""
        return f"https://{HOST}/credentials/status/{purpose}"

    def publish(self) -> None:
        """(Re)publish the DID document and signed status list credentials."""
        published = [vc.PublishedKey(k.public_multibase) for k in self.keys]
        published += [vc.PublishedKey(k.public_multibase, retired=True) for k in self.retired]
        self.published[vc.did_web_to_url(self.did)] = vc.did_web_document(self.did, published)
        for purpose in ("revocation", "suspension"):
            sl = self.lists.setdefault(purpose, vc.StatusList())
            unsigned = sl.status_list_credential(
                list_id=self.list_url(purpose), issuer=self.did, purpose=purpose
            )
            self.published[self.list_url(purpose)] = vc.sign_credential(
                unsigned, self.key, self.vm(), created=NOW
            )

    def resolver(self, url: str) -> Any:
        """A resolver that serves what this institution published (deep copies)."""
        doc = self.published.get(url)
        return copy.deepcopy(doc) if doc is not None else None

    def profile(self) -> vc.IssuerProfile:
        """The issuer Profile embedded in credentials."""
        return vc.IssuerProfile(self.did, self.name, url=f"https://{HOST}")


def achievement(issuer: vc.IssuerProfile) -> vc.AchievementSpec:
    """A course achievement aligned to two skills."""
    return vc.AchievementSpec(
        id=f"https://{HOST}/achievements/plc-basics",
        name="PLC 编程基础 PLC Programming Basics",
        description="Structured Text on IEC 61131-3 controllers.",
        criteria_narrative="Completed all lessons and passed 8 of 10 PLC labs.",
        image_url=f"https://{HOST}/static/badges/plc-basics.png",
        alignments=[
            vc.Alignment(
                "Ladder logic",
                f"https://{HOST}/skills/ladder-logic",
                target_code="OT-201",
                target_framework="Dongguan IIoT skills framework",
            ),
            vc.Alignment("Modbus TCP", f"https://{HOST}/skills/modbus", target_code="OT-310"),
        ],
        level="2",
        hours=24,
        creator=issuer,
    )


def issue(
    inst: Institution,
    *,
    index: int = 7,
    email: str = "worker@example.com",
    cryptosuite: str = "eddsa-rdfc-2022",
    valid_until: datetime | None = datetime(2029, 1, 1, tzinfo=UTC),
    credential_id: str = "urn:uuid:6a1f0c2e-0000-4000-8000-000000000001",
) -> dict[str, Any]:
    """Build and sign a credential with revocation and suspension entries at ``index``."""
    profile = inst.profile()
    unsigned = vc.build_achievement_credential(
        credential_id=credential_id,
        issuer=profile,
        achievement=achievement(profile),
        recipient_email=email,
        valid_from=datetime(2026, 1, 15, tzinfo=UTC),
        valid_until=valid_until,
        status_entries=[
            vc.status_entry(list_credential_url=inst.list_url(p), index=index, purpose=p)
            for p in ("revocation", "suspension")
        ],
        evidence=[vc.EvidenceItem("Lab results", narrative="8/10 labs passed; best 97%")],
    )
    return vc.sign_credential(unsigned, inst.key, inst.vm(), cryptosuite, created=NOW)
