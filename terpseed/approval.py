"""What a DBA approved must be exactly what runs.

``make approve`` renders every seed revision (upgrade and downgrade) for the
given scenario, seed, scale and dialect, with no database, and records the
SHA-256 of each revision's statements in ``approvals.json`` (committed).  A
run with ``-x approved=true`` (required with ``-x env=production``) renders
the revisions it is about to run, before writing anything, and refuses, naming
each revision, when the SQL differs from what was approved.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from terpseed.errors import SeedError
from terpseed.params import SeedParams

ROOT = Path(__file__).resolve().parent.parent
MANIFEST_ENV = "SEED_APPROVALS_FILE"


def manifest_path() -> Path:
    return Path(os.environ.get(MANIFEST_ENV) or ROOT / "approvals.json")


def key(params: SeedParams, dialect: str) -> str:
    return f"{params.describe()} dialect={dialect}"


def load() -> dict:
    path = manifest_path()
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def save(manifest: dict) -> Path:
    path = manifest_path()
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def hashes(run, revisions) -> dict[str, dict[str, str]]:
    """{revision: {"upgrade": sha256, "downgrade": sha256}} of (revision, STEPS) pairs."""
    from terpseed.runtime import render_revision

    return {
        revision: {direction: render_revision(run, revision, steps, direction).sha256
                   for direction in ("upgrade", "downgrade")}
        for revision, steps in revisions
    }


def approve(run, revisions) -> Path:
    manifest = load()
    manifest[key(run.params, run.renderer.dialect_name)] = hashes(run, revisions)
    return save(manifest)


def verify(run, pending: list[tuple[str, list, str]]) -> None:
    """Refuse unless each (revision, STEPS, direction) renders what was approved."""
    from terpseed.runtime import render_revision

    entry_key = key(run.params, run.renderer.dialect_name)
    approved = load().get(entry_key)
    if approved is None:
        raise SeedError(
            f"-x approved=true, but {manifest_path().name} has no approval for {entry_key};"
            " review the SQL (make sql) and approve it (make approve) with the same arguments"
        )
    differs = []
    for revision, steps, direction in pending:
        recorded = approved.get(revision, {}).get(direction)
        actual = render_revision(run, revision, steps, direction).sha256
        if recorded != actual:
            differs.append(f"{direction} {revision} (approved {str(recorded)[:12]}, now {actual[:12]})")
    if differs:
        raise SeedError(
            "the SQL differs from what was approved, nothing was written: "
            + "; ".join(differs)
            + ". Review it (make sql) and approve it again (make approve)"
        )
