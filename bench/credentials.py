"""Benchmark: credentials issued and verified per second, against raw Ed25519 in the same run.

Run from the repository root:  python bench/credentials.py [--quick]

Issued/s = build the OpenBadgeCredential + sign + bake into a PNG (the PDF certificate is
added when the Django side exists). Verified/s = the full verifier on distinct credentials
given as JSON text, as the API receives them (parsing, limits, JSON-LD safe mode, schema,
proof, issuer key via a did:web resolver serving stored JSON bodies, dates, revocation and
suspension status lists), single thread, i.e. per core. Each figure is also
given as a multiple of the raw Ed25519 sign or verify cost measured in this same process, so
results from a busy or slow machine stay comparable. Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
# This file is itself called credentials.py: keep its folder off the path so that
# `import credentials` finds the application package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR]
sys.path.insert(0, str(REPO_ROOT))

Image = importlib.import_module("PIL.Image")
vc = importlib.import_module("credentials.vc")  # after the path fix above

NOW = datetime(2026, 6, 1, tzinfo=UTC)
HOST = "bench.example.cn"


def _rate(fn, count: int, rounds: int = 3) -> float:
    """Calls per CPU second of ``fn(i)`` for i in range(count), best of ``rounds``.

    CPU time of this process, not wall time, and the best round (as timeit does): the
    figure is "per core" even when other jobs share the machine.
    """
    best = 0.0
    for _ in range(rounds):
        start = time.process_time()
        for i in range(count):
            fn(i)
        best = max(best, count / max(time.process_time() - start, 1e-9))
    return best


class Issuer:
    """An institution with a did:web, published DID document and status lists."""

    def __init__(self) -> None:
        self.key = vc.generate_keypair()
        self.did = vc.did_web_for(HOST, "issuers/bench")
        self.vm = f"{self.did}#{self.key.public_multibase}"
        self.profile = vc.IssuerProfile(self.did, "Bench Academy 基准学院", url=f"https://{HOST}")
        self.published = {vc.did_web_to_url(self.did): vc.did_web_document(self.did, [self.key])}
        for purpose in ("revocation", "suspension"):
            url = self.list_url(purpose)
            unsigned = vc.StatusList().status_list_credential(
                list_id=url, issuer=self.did, purpose=purpose
            )
            self.published[url] = vc.sign_credential(unsigned, self.key, self.vm, created=NOW)
        self.bodies = {url: json.dumps(doc).encode() for url, doc in self.published.items()}
        self.achievement = vc.AchievementSpec(
            id=f"https://{HOST}/achievements/plc",
            name="PLC 编程基础 PLC Basics",
            description="IEC 61131-3 Structured Text.",
            criteria_narrative="Passed 8 of 10 labs.",
            alignments=[
                vc.Alignment("Ladder logic", f"https://{HOST}/skills/ladder", target_code="S1"),
                vc.Alignment("Modbus TCP", f"https://{HOST}/skills/modbus", target_code="S2"),
            ],
            level="2",
            hours=24,
            creator=self.profile,
        )

    def list_url(self, purpose: str) -> str:
        """Status list URL."""
        return f"https://{HOST}/status/{purpose}"

    def resolver(self, url: str) -> bytes | None:
        """What the Django side's resolver returns: the stored or fetched JSON body."""
        return self.bodies.get(url)

    def unsigned(self, i: int) -> dict:
        """A distinct unsigned credential number ``i``."""
        return vc.build_achievement_credential(
            credential_id=f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
            issuer=self.profile,
            achievement=self.achievement,
            recipient_email=f"worker{i}@factory.example.cn",
            valid_from="2026-01-15T00:00:00Z",
            valid_until="2029-01-15T00:00:00Z",
            status_entries=[
                vc.status_entry(list_credential_url=self.list_url(p), index=i, purpose=p)
                for p in ("revocation", "suspension")
            ],
            evidence=[vc.EvidenceItem("Lab results", narrative=f"lab score {i % 100}")],
        )


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer iterations")
    args = parser.parse_args()
    scale = 0.25 if args.quick else 1.0
    n_raw = int(5000 * scale)
    n_rdfc = int(300 * scale)
    n_jcs = int(1500 * scale)

    issuer = Issuer()
    key = issuer.key
    message = bytes(range(64))
    signature = key.private_key.sign(message)
    raw_sign = _rate(lambda i: key.private_key.sign(message), n_raw)
    raw_verify = _rate(lambda i: key.public_key.verify(signature, message), n_raw)

    buf = io.BytesIO()
    Image.new("RGBA", (256, 256), (20, 80, 160, 255)).save(buf, "PNG")
    badge = buf.getvalue()

    print("credentials.vc benchmark (single thread, rates per CPU-second = per core)")
    print(f"  raw Ed25519 sign        {raw_sign:10.0f} /s")
    print(f"  raw Ed25519 verify      {raw_verify:10.0f} /s")
    for suite, count in ((vc.RDFC, n_rdfc), (vc.JCS, n_jcs)):
        # warm the caches (pinned contexts, compiled schema) as a running server would have
        warm = vc.sign_credential(issuer.unsigned(10**6), key, issuer.vm, suite, created=NOW)
        vc.verify_credential(warm, issuer.resolver, now=NOW)

        signed: dict[int, dict] = {}

        def issue_one(i: int, suite: str = suite, signed: dict = signed) -> None:
            cred = vc.sign_credential(issuer.unsigned(i), key, issuer.vm, suite, created=NOW)
            vc.bake_png(badge, cred)
            signed[i] = cred

        issued = _rate(issue_one, count)
        results: dict[int, str] = {}

        # The API, the verification page and the CSV job all receive JSON text.
        bodies = {i: json.dumps(cred).encode() for i, cred in signed.items()}

        def verify_one(i: int, bodies: dict = bodies, results: dict = results) -> None:
            results[i] = vc.verify_credential(bodies[i], issuer.resolver, now=NOW).verdict

        verified = _rate(verify_one, count)
        bad = sum(1 for v in results.values() if v != "valid")

        def proof_only(i: int, signed: dict = signed) -> None:
            vc.verify_proof(signed[i], signed[i]["proof"], key.public_key)

        proof_rate = _rate(proof_only, count)
        print(f"  {suite}:")
        print(
            f"    issued (build+sign+bake)   {issued:8.1f} /s = {raw_sign / issued:6.1f} x raw sign"
        )
        print(
            f"    verified (all checks)      {verified:8.1f} /s"
            f" = {raw_verify / verified:6.1f} x raw verify"
            + (f"  [{bad} NOT valid!]" if bad else "")
        )
        print(
            f"    proof only (verify_proof)  {proof_rate:8.1f} /s"
            f" = {raw_verify / proof_rate:6.1f} x raw verify"
        )
    print("  targets per core: verify >= 100 eddsa-rdfc-2022/s and >= 1000 eddsa-jcs-2022/s")


if __name__ == "__main__":
    main()
