"""The OpenBadgeCredential builder and the OB 3.0 schema check."""

from __future__ import annotations

import copy

from vc_factories import Institution, issue

from credentials import vc
from credentials.vc import jsonld


def test_built_credential_has_the_issue_7_shape() -> None:
    """Contexts VC 2.0 then OB 3.0.3, both types, Profile issuer, dates, subject with a hashed
    e-mail identifier, aligned achievement, two status entries, schema and evidence."""
    inst = Institution()
    cred = issue(inst)
    assert cred["@context"][:2] == [jsonld.VC_V2_CONTEXT, jsonld.OB_V3P0_CONTEXT]
    assert cred["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert cred["issuer"]["type"] == ["Profile"] and cred["issuer"]["id"] == inst.did
    assert cred["validFrom"] == "2026-01-15T00:00:00Z"
    assert cred["validUntil"] == "2029-01-01T00:00:00Z"
    subject = cred["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    ident = subject["identifier"][0]
    assert ident["type"] == "IdentityObject" and ident["hashed"] is True
    assert ident["identityHash"].startswith("sha256$")
    assert "worker@example.com" not in str(cred)
    ach = subject["achievement"]
    assert [a["targetCode"] for a in ach["alignment"]] == ["OT-201", "OT-310"]
    assert "level:2" in ach["tag"] and "hours:24" in ach["tag"]
    assert [s["statusPurpose"] for s in cred["credentialStatus"]] == ["revocation", "suspension"]
    assert cred["credentialSchema"][0]["type"] == "1EdTechJsonSchemaValidator2019"
    assert cred["evidence"][0]["type"] == ["Evidence"]
    assert cred["proof"]["cryptosuite"] == "eddsa-rdfc-2022"


def test_built_credential_passes_schema_and_safe_mode() -> None:
    """The builder's output is valid against the OB 3.0 schema and every term is defined."""
    cred = issue(Institution())
    assert vc.validate_open_badge(cred) == []
    jsonld.expand(cred)


def test_schema_reports_missing_and_mistyped_parts() -> None:
    """Removing the achievement or giving the issuer a wrong type is reported."""
    cred = issue(Institution())
    broken = copy.deepcopy(cred)
    del broken["credentialSubject"]["achievement"]
    broken["issuer"]["type"] = ["Organisation"]
    paths = {p.path for p in vc.validate_open_badge(broken)}
    assert "$['credentialSubject']" in paths and "$.issuer" in paths


def test_email_check_against_the_hashed_identifier() -> None:
    """The candidate's e-mail matches (case and spaces ignored); another does not."""
    cred = issue(Institution(), email="Li.Wei@Factory.cn")
    assert vc.matches_email(cred, "  li.wei@factory.cn ")
    assert not vc.matches_email(cred, "li.wei@factory.com")


def test_identity_hash_is_sha256_of_email_and_salt() -> None:
    """OB 3.0 IdentityHash: 'sha256$' + hex digest of the e-mail followed by the salt."""
    import hashlib

    expected = hashlib.sha256(b"a@b.cnpepper").hexdigest()
    assert vc.identity_hash("A@B.cn", "pepper") == f"sha256${expected}"


def test_bundled_schema_is_the_published_one() -> None:
    """The bundled OB schema is byte-identical to the published copy and hash-pinned."""
    import hashlib

    from vc_paths import OB_SPEC

    from credentials.vc import credential

    bundled = credential.SCHEMA_PATH.read_bytes()
    assert bundled == (OB_SPEC / "ob_v3p0_achievementcredential_schema_draft4.json").read_bytes()
    assert hashlib.sha256(bundled).hexdigest() == credential.SCHEMA_SHA256


def test_every_optional_field_is_defined_and_schema_valid() -> None:
    """With every optional builder field filled, the credential still passes safe-mode
    expansion (every term defined by the contexts) and the OB schema."""
    issuer = vc.IssuerProfile(
        "did:web:t.example",
        "Academy",
        url="https://t.example",
        email="office@t.example",
        image_url="https://t.example/logo.png",
        description="A training institution.",
    )
    ach = vc.AchievementSpec(
        id="https://t.example/a/1",
        name="Course",
        description="d",
        criteria_narrative="n",
        achievement_type="Certificate",
        image_url="https://t.example/a.png",
        image_caption="badge",
        alignments=[
            vc.Alignment(
                "Skill",
                "https://t.example/s/1",
                target_description="desc",
                target_code="S1",
                target_framework="F",
                target_type="ceasn:Competency",
            )
        ],
        level="3",
        hours=12.5,
        field_of_study="Automation",
        human_code="PLC-101",
        tags=["plc"],
        creator=issuer,
        in_language="zh-Hans",
    )
    cred = vc.build_achievement_credential(
        credential_id="urn:uuid:all-fields",
        issuer=issuer,
        achievement=ach,
        recipient_email="a@b.cn",
        valid_from="2026-01-01T00:00:00Z",
        valid_until="2027-01-01T00:00:00Z",
        name="Credential name",
        description="Credential description",
        salt="fixed-salt",
        subject_id="did:example:learner",
        status_entries=[vc.status_entry(list_credential_url="https://t.example/s", index=1)],
        evidence=[
            vc.EvidenceItem(
                "Lab", description="d", narrative="n", id="https://t.example/e/1",
                genre="Lab", audience="Employers",
            )
        ],
        awarded_date="2026-01-01T00:00:00Z",
    )  # fmt: skip
    jsonld.expand(cred)
    assert vc.validate_open_badge(cred) == []
    assert cred["credentialSubject"]["achievement"]["tag"] == ["plc", "level:3", "hours:12.5"]
    assert cred["credentialStatus"]["statusPurpose"] == "revocation"  # one entry: an object


def _mutations(cred: dict) -> list[dict]:
    """Variants that break (or keep) the schema in the issuer, the achievement and
    elsewhere, including parts the fast path remembers once they passed."""
    out = [cred]
    edits = [
        ("issuer", "name", 5),
        ("issuer", "type", "Profile"),
        ("issuer", "url", 7),
        ("issuer", "image", {"id": 3}),
        ("achievement", "criteria", "not an object"),
        ("achievement", "type", 3),
        ("achievement", "name", None),
        ("achievement", "alignment", [{"type": ["Alignment"], "targetName": "x"}]),
        ("achievement", "creator", {"id": 5, "type": ["Profile"]}),
        ("achievement", "tag", "not a list"),
        ("credential", "validFrom", "yesterday"),
        ("credential", "credentialSchema", "x"),
        ("credential", "issuer", "did:web:example.com"),
    ]
    for where, key, value in edits:
        variant = copy.deepcopy(cred)
        subject = variant.get("credentialSubject")
        target = {
            "issuer": variant.get("issuer"),
            "achievement": subject.get("achievement") if isinstance(subject, dict) else None,
            "credential": variant,
        }[where]
        if isinstance(target, dict):
            target[key] = value
            out.append(variant)
    if "credentialSubject" in cred:
        listed = copy.deepcopy(cred)
        listed["credentialSubject"] = [listed["credentialSubject"]]
        out.append(listed)
    return out


def test_split_schema_fast_path_agrees_with_the_whole_schema() -> None:
    """The fast path (schema without issuer and achievement, each of them checked alone and
    remembered once valid) accepts and refuses exactly what the whole compiled schema does,
    on every 1EdTech fixture and OB example, and on mutations of issuer, achievement and
    the rest, checked twice so the second pass goes through the remembered parts."""
    import fastjsonschema
    from vc_paths import OB_FIXTURES, OB_SPEC, load_json

    from credentials.vc import credential

    samples = [issue(Institution()), issue(Institution(), cryptosuite="eddsa-jcs-2022")]
    samples += [load_json(p) for p in sorted(OB_FIXTURES.rglob("*.json"))]
    samples += [load_json(p) for p in sorted(OB_SPEC.rglob("*.json"))]
    cases = [m for s in samples if isinstance(s, dict) for m in _mutations(s)]
    verdicts = {True: 0, False: 0}
    for vc2 in (True, False):
        whole = credential._compile(copy.deepcopy(credential._schema(vc2)))
        for _round in range(2):
            for case in cases:
                try:
                    whole(case)
                    expected = True
                except fastjsonschema.JsonSchemaException:
                    expected = False
                try:
                    credential._fast_validate(case, vc2)
                    got = True
                except fastjsonschema.JsonSchemaException:
                    got = False
                assert got == expected, (vc2, case)
                verdicts[expected] += 1
    assert verdicts[True] > 20 and verdicts[False] > 100  # both outcomes are exercised
