"""The ledger's tables (SQLAlchemy Core): one definition for SQLite and PostgreSQL.

- ``documents``: every catalogue, policy and targets file put in force (the newest of a kind
  is in force), with its bytes, so a later run uses exactly what was loaded.
- ``submissions``: one enterprise's roster sheet as received (file name, sha256, who, when,
  counts); ``current`` marks the one in force per enterprise and sheet, ``superseded_by`` the
  one that replaced it. History is never deleted.
- ``people``: every person of every submission, in the assigned file's columns
  (:mod:`retiree_tools.assign.contract`), with ``current`` copied from the submission (the
  campaign-wide duplicate checks read one index), the normalised ID (``id_key``) and the
  handover (``handed_over_on``, ``handover_id``).
- ``tallies``: counts per submission × county × unit × status × reason × handed over, kept
  with every write, so ``status`` and ``acceptance-report --db`` never scan the people.
- ``repeated_ids``: the ID numbers on more than one current row, and by how many enterprises
  (more than one: a campaign-wide duplicate), and ``repeated_people`` the same for a name and
  birth date (under more than one ID number: possibly one person), kept with every submit.
- ``handovers``: forms signed and people handed over, per enterprise (and unit) and date.
- ``events``: the audit trail (init, catalogue, submit, supersede, handover), with user, time,
  file hash and counts.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

from retiree_tools.assign.contract import KEYS

SCHEMA_REVISION = "0003"  # the newest migration (migrations/versions); a ledger behind it is upgraded

metadata = MetaData()

documents = Table(
    "documents", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # catalog | policy | targets
    Column("loaded_at", String(32), nullable=False),  # ISO 8601, UTC
    Column("user", String(128), nullable=False),
    Column("file_name", Text),  # None: the built-in default policy
    Column("sha256", String(64)),
    Column("content", LargeBinary),
    Column("summary", Text),  # JSON: units, counts
)

submissions = Table(
    "submissions", metadata,
    Column("id", Integer, primary_key=True),
    Column("enterprise_key", Text, nullable=False),  # credit code, else the folded name
    Column("enterprise", Text),
    Column("credit_code", Text),
    Column("sheet_key", Text, nullable=False),  # "" for a file with one roster sheet
    Column("sheet", Text),
    Column("file_name", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("submitted_at", String(32), nullable=False),
    Column("user", String(128), nullable=False),
    Column("catalog_id", Integer, ForeignKey("documents.id")),
    Column("policy_id", Integer, ForeignKey("documents.id")),
    Column("current", Boolean, nullable=False),
    Column("superseded_by", Integer, ForeignKey("submissions.id")),
    Column("people", Integer, nullable=False),
    Column("errors", Integer, nullable=False),  # error findings of the sheet
    Column("people_with_errors", Integer, nullable=False),
    Column("findings", Text),  # JSON: the sheet-level findings (no cell values)
    Index("ix_submissions_enterprise", "enterprise_key", "sheet_key", "current"),
)

people = Table(
    "people", metadata,
    Column("id", Integer, primary_key=True),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False),
    Column("current", Boolean, nullable=False),
    Column("enterprise_key", Text, nullable=False),
    Column("id_key", Text),  # the ID number as compared (18 characters where it could be)
    *[Column(k, Text) for k in KEYS if k != "row"],
    Column("row", Integer),
    Column("digest", String(32)),  # the person's values but file and row, hashed: what "changed" compares
    Column("handed_over_on", String(10)),  # ISO date
    Column("handover_id", Integer, ForeignKey("handovers.id")),
    Index("ix_people_submission", "submission_id"),
    Index("ix_people_current_id", "current", "id_key", "enterprise_key"),
    Index("ix_people_current_name", "current", "name", "birth_date", "enterprise_key", "id_key"),
    Index("ix_people_current_handover", "current", "handed_over_on"),  # revision 0002: the weekly progress
)

tallies = Table(
    "tallies", metadata,
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False),
    Column("enterprise", Text),
    Column("credit_code", Text),
    Column("county_code", Text),
    Column("county_name", Text),
    Column("unit_code", Text),
    Column("unit_name", Text),
    Column("status", Text),
    Column("reason", Text),  # excluded people: the reason, else the category (acceptance's rule)
    Column("category", Text),
    Column("handed_over", Boolean, nullable=False),
    Column("people", Integer, nullable=False),
    Index("ix_tallies_submission", "submission_id"),
)

repeated_ids = Table(  # revision 0003: kept with every write, so status and acceptance never group the people
    "repeated_ids", metadata,
    Column("id_key", Text, primary_key=True),  # an ID number on more than one current row
    Column("rows", Integer, nullable=False),
    Column("enterprises", Integer, nullable=False),  # distinct enterprises listing it (> 1: a campaign duplicate)
)

repeated_people = Table(  # revision 0003: the same name and birth date on more than one current row
    "repeated_people", metadata,
    Column("name", Text, primary_key=True),
    Column("birth_date", Text, primary_key=True),
    Column("rows", Integer, nullable=False),
    Column("enterprises", Integer, nullable=False),
    Column("ids", Integer, nullable=False),  # distinct ID numbers among them (> 1 with > 1 enterprise: possibly one person)
)

handovers = Table(
    "handovers", metadata,
    Column("id", Integer, primary_key=True),
    Column("enterprise_key", Text, nullable=False),
    Column("enterprise", Text),
    Column("unit_code", Text),  # None: every unit of the enterprise
    Column("date", String(10), nullable=False),
    Column("recorded_at", String(32), nullable=False),
    Column("user", String(128), nullable=False),
    Column("people", Integer, nullable=False),
)

events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", String(32), nullable=False),
    Column("user", String(128), nullable=False),
    Column("action", String(16), nullable=False),  # init | catalog | policy | targets | submit | supersede | handover
    Column("enterprise", Text),
    Column("file_name", Text),
    Column("sha256", String(64)),
    Column("submission_id", Integer),
    Column("detail", Text),  # JSON: counts
)
