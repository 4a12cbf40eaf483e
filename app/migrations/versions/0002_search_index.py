"""Full-text search index over names and case text (FTS5, inside the encrypted database).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

``search_doc`` maps each indexed record to an FTS5 rowid, so re-indexing one record on save is a
primary-key lookup rather than a scan of the whole index. Triggers keep the index in step with
every write in the same transaction; tombstoned records leave the index. The index lives in the
encrypted database, so search never needs a plaintext copy anywhere.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# table -> (child id expression, household id expression, indexed text expression, columns)
_SOURCES: dict[str, tuple[str, str, str, list[str]]] = {
    "child": (
        "{r}.id",
        "NULL",
        "{r}.given_name || ' ' || {r}.family_name || ' ' || coalesce({r}.preferred_name, '')"
        " || ' ' || coalesce({r}.upn, '') || ' ' || {r}.about_me",
        ["given_name", "family_name", "preferred_name", "upn", "about_me"],
    ),
    "carer_household": ("NULL", "{r}.id", "{r}.name || ' ' || {r}.address", ["name", "address"]),
    "carer": (
        "NULL",
        "{r}.household_id",
        "{r}.given_name || ' ' || {r}.family_name",
        ["given_name", "family_name", "household_id"],
    ),
    "visit": (
        "{r}.child_id",
        "{r}.household_id",
        "{r}.who_was_seen || ' ' || {r}.wishes_and_feelings || ' ' || {r}.observations"
        " || ' ' || {r}.actions_agreed",
        ["who_was_seen", "wishes_and_feelings", "observations", "actions_agreed"],
    ),
    "case_note": (
        "{r}.child_id",
        "{r}.household_id",
        "{r}.subject || ' ' || {r}.text",
        ["subject", "text"],
    ),
    "review": (
        "{r}.child_id",
        "{r}.household_id",
        "{r}.chair || ' ' || {r}.attendees || ' ' || {r}.decisions",
        ["chair", "attendees", "decisions"],
    ),
    "action": (
        "{r}.child_id",
        "{r}.household_id",
        "{r}.description || ' ' || {r}.owner",
        ["description", "owner"],
    ),
    "addendum": ("{r}.child_id", "{r}.household_id", "{r}.text", ["text"]),
    "assessment": ("{r}.child_id", "{r}.household_id", "CAST({r}.answers AS TEXT)", ["answers"]),
    "care_plan": (
        "{r}.child_id",
        "NULL",
        "{r}.summary || ' ' || {r}.iro_name",
        ["summary", "iro_name"],
    ),
}


def upgrade() -> None:
    op.execute(
        "CREATE TABLE search_doc ("
        " rowid INTEGER PRIMARY KEY,"
        " record_type VARCHAR(32) NOT NULL,"
        " record_id CHAR(32) NOT NULL UNIQUE,"
        " child_id CHAR(32),"
        " household_id CHAR(32))"
    )
    op.execute("CREATE INDEX ix_search_doc_child ON search_doc (child_id)")
    op.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5("
        " body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4')"
    )
    for table, (child, household, body, columns) in _SOURCES.items():
        links = [c for c in ("child_id", "household_id") if "{r}." + c in child + household]
        _create_triggers(table, child, household, body, [*columns, *links, "deleted"])
        _backfill(table, child, household, body)


def downgrade() -> None:
    for table in _SOURCES:
        for suffix in ("ai", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS search_{table}_{suffix}")
    op.execute("DROP TABLE search_index")
    op.execute("DROP TABLE search_doc")


def _create_triggers(table: str, child: str, household: str, body: str, columns: list[str]) -> None:
    new = {"r": "NEW"}
    insert = (
        f"INSERT INTO search_doc (record_type, record_id, child_id, household_id)"
        f" SELECT '{table}', NEW.id, {child.format(**new)}, {household.format(**new)}"
        f" WHERE NEW.deleted = 0;"
        f" INSERT INTO search_index (rowid, body)"
        f" SELECT last_insert_rowid(), {body.format(**new)} WHERE NEW.deleted = 0;"
    )
    op.execute(f"CREATE TRIGGER search_{table}_ai AFTER INSERT ON {table} BEGIN {insert} END")
    watched = ", ".join(dict.fromkeys(columns))
    op.execute(
        f"CREATE TRIGGER search_{table}_au AFTER UPDATE OF {watched} ON {table} BEGIN"
        f" DELETE FROM search_index WHERE rowid ="
        f"  (SELECT rowid FROM search_doc WHERE record_id = OLD.id);"
        f" DELETE FROM search_doc WHERE record_id = OLD.id;"
        f" {insert} END"
    )


def _backfill(table: str, child: str, household: str, body: str) -> None:
    r = {"r": "t"}
    op.execute(
        f"INSERT INTO search_doc (record_type, record_id, child_id, household_id)"
        f" SELECT '{table}', t.id, {child.format(**r)}, {household.format(**r)}"
        f" FROM {table} AS t WHERE t.deleted = 0"
    )
    op.execute(
        f"INSERT INTO search_index (rowid, body)"
        f" SELECT d.rowid, {body.format(**r)} FROM search_doc AS d"
        f" JOIN {table} AS t ON t.id = d.record_id WHERE d.record_type = '{table}'"
    )
