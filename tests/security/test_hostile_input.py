"""Hostile input: each case gets a clear ``CasebookError`` (or is stored exactly as typed) and
loses nothing else.

Already covered elsewhere and not repeated here: per-field validation messages
(``tests/app/test_validation.py``), file-name cleaning of given strings and the size cap
(``tests/app/test_attachments.py``), a damaged first page and a missing database
(``tests/app/test_damaged_store.py``), a tampered, malformed or garbage ``key.json``
(``tests/app/test_keys.py``). What is added: each hostile input next to records that must
survive it, undecodable file names from the disk, search syntax, a truncated database, a
database from a newer Casebook, a key file swapped from another profile, and a damaged page deep
in the file met by an ordinary read.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from app import clock
from app.errors import CasebookError, MigrationFailed, StoreDamaged, ValidationError
from app.models import Attachment, Child, Visit
from app.search import search
from app.services import visits
from app.store import Profile, Store
from tests.app import factories
from tests.conftest import PASSPHRASE, fast_kdf

KEEP = 12  # children (each with a visit) that every hostile case must leave untouched


def _fill(store: Store) -> dict[uuid.UUID, str]:
    """Records that must survive: child id -> the visit's observations."""
    kept: dict[uuid.UUID, str] = {}
    with store.write() as session:
        for n in range(KEEP):
            child = factories.child(given_name=f"Keeper{n}")
            session.add(child)
            session.flush()
            observations = f"kept visit {n} " + "detail " * 400
            session.add(factories.visit(child.id, observations=observations))
            kept[child.id] = observations
    return kept


def _intact(store: Store, kept: dict[uuid.UUID, str]) -> None:
    with store.read() as session:
        for child_id, observations in kept.items():
            assert session.get(Child, child_id) is not None
            found = session.query(Visit.observations).filter(Visit.child_id == child_id)
            assert observations in {row.observations for row in found}


@pytest.fixture
def filled(store: Store) -> Iterator[tuple[Store, dict[uuid.UUID, str], uuid.UUID]]:
    kept = _fill(store)
    yield store, kept, next(iter(kept))


# ---- what a worker can type or pick

HUGE = "A long account of the visit. " * 70_000  # about 2 MB, far beyond any real visit


def _visit(store: Store, child_id: uuid.UUID, **values: object) -> uuid.UUID:
    visit_id = uuid.uuid4()
    defaults: dict[str, object] = {"visit_date": clock.today() - timedelta(days=1)}
    visits.save_draft(
        store,
        visit_id=visit_id,
        child_id=child_id,
        values=visits.VisitFields(**{**defaults, **values}),  # type: ignore[arg-type]
    )
    return visit_id


TYPED: list[tuple[str, Callable[[Store, uuid.UUID], object], str | None]] = [
    # (what, how it is entered, the message expected; None = stored exactly as typed)
    ("huge text", lambda s, c: _visit(s, c, observations=HUGE), None),
    (
        "SQL in a name",
        lambda s, c: _add(s, factories.child(given_name="Robert'); DROP TABLE child;--")),
        None,
    ),
    ("SQL in a note", lambda s, c: _visit(s, c, observations="1' OR '1'='1; --"), None),
    (
        "NUL and escape codes in a name",
        lambda s, c: _add(s, factories.child(given_name="Am\x00ara\x1b[2J")),
        "must be on one line",
    ),
    (
        "control characters in a note",
        lambda s, c: _visit(s, c, observations="seen\x00at\x07home\x1b[31m"),
        "cannot be stored",
    ),
    (
        "birth in year 9999",
        lambda s, c: _add(s, factories.child(date_of_birth=date(9999, 12, 31))),
        "cannot be in the future",
    ),
    (
        "birth in year 1",
        lambda s, c: _add(s, factories.child(date_of_birth=date(1, 1, 1))),
        "older than anyone this service supports",
    ),
    (
        "visit in year 9999",
        lambda s, c: _visit(s, c, visit_date=date(9999, 12, 31)),
        "cannot be in the future",
    ),
]


def _add(store: Store, record: object) -> None:
    with store.write() as session:
        session.add(record)


@pytest.mark.parametrize(("what", "enter", "message"), TYPED, ids=[t[0] for t in TYPED])
def test_hostile_typing_is_refused_clearly_or_kept_verbatim(
    filled: tuple[Store, dict[uuid.UUID, str], uuid.UUID],
    what: str,
    enter: Callable[[Store, uuid.UUID], object],
    message: str | None,
) -> None:
    """Each input is either refused with a plain message naming the problem, or stored and read
    back exactly; either way every other record is as it was."""
    store, kept, child_id = filled
    if message is None:
        made = enter(store, child_id)
        if isinstance(made, uuid.UUID):
            stored = visits.load(store, visit_id=made).fields
            assert stored.observations in (HUGE, "1' OR '1'='1; --")
    else:
        with pytest.raises(ValidationError) as refused:
            enter(store, child_id)
        assert message in str(refused.value)
    _intact(store, kept)
    with store.read() as session:  # the schema is untouched by SQL-looking text
        assert session.execute(text("SELECT count(*) FROM child")).scalar_one() >= KEEP


@pytest.mark.parametrize(
    "typed", ['"', "*", "NEAR(", "a OR", "AND", "(", ":", "a:b", "\x00", "'; DROP TABLE child;--"]
)
def test_search_syntax_in_the_search_box_is_just_text(
    filled: tuple[Store, dict[uuid.UUID, str], uuid.UUID], typed: str
) -> None:
    """Full-text query syntax typed into search is never an error, and searching still works."""
    store, kept, _ = filled
    with store.read() as session:
        search(session, typed)
        assert {hit.child_id for hit in search(session, "Keeper3")} <= set(kept)
        assert search(session, "Keeper3")


@pytest.mark.parametrize(
    "raw_name",
    [b"\xff\xfe report.pdf", b"scan\x1b[2J\x07.pdf", b"..", b"\xc0\xaf\xc0\xafetc.pdf", b"x" * 250],
)
def test_undecodable_file_names_from_disk_are_made_safe(
    filled: tuple[Store, dict[uuid.UUID, str], uuid.UUID], tmp_path: Path, raw_name: bytes
) -> None:
    """A file whose name is not valid UTF-8 (or holds escape codes) attaches under a clean,
    encodable name of at most 255 characters, and its bytes are kept exactly."""
    store, kept, child_id = filled
    visit_id = _visit(store, child_id, observations="with a file")
    folder = tmp_path / "picked"
    folder.mkdir()
    name = raw_name if raw_name != b".." else b"..pdf"
    path = Path(os.fsdecode(os.path.join(os.fsencode(folder), name)))
    content = os.urandom(3000)
    path.write_bytes(content)
    attached = visits.attach_file(store, visit_id=visit_id, path=path)
    with store.read() as session:
        stored = session.get(Attachment, attached.attachment_id)
        assert stored is not None
        stored.filename.encode("utf-8")  # no lone surrogates left from the undecodable bytes
        assert "/" not in stored.filename and "\\" not in stored.filename
        assert all(ch.isprintable() for ch in stored.filename)
        assert 0 < len(stored.filename) <= 255
        assert stored.sha256 == hashlib.sha256(content).hexdigest()
    _intact(store, kept)


# ---- what can happen to the files on disk


def _profile_with_records(root: Path, name: str = "alice") -> tuple[Profile, dict[uuid.UUID, str]]:
    profile = Profile.create(name, PASSPHRASE, worker="alice", root=root, kdf=fast_kdf())
    with profile.unlock(PASSPHRASE) as store:
        kept = _fill(store)
    return profile, kept


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_truncated_database_is_reported_and_kept(tmp_path: Path) -> None:
    """A database cut short (a full disk, an interrupted copy) is refused as damaged with the
    plain message, and the file is left exactly as found."""
    profile, _ = _profile_with_records(tmp_path)
    size = profile.db_path.stat().st_size
    with profile.db_path.open("r+b") as handle:
        handle.truncate(size // 2)
    before = _sha(profile.db_path)
    with pytest.raises(StoreDamaged) as caught:
        profile.unlock(PASSPHRASE)
    assert "kept exactly as it is" in str(caught.value)
    assert _sha(profile.db_path) == before


def test_a_database_from_a_newer_casebook_is_refused_and_kept(tmp_path: Path) -> None:
    """A database whose schema is newer than this Casebook (a rolled-back install) gets a clear
    message, is not changed, and opens with every record once the versions match again."""
    profile, kept = _profile_with_records(tmp_path)
    with profile.unlock(PASSPHRASE) as store, store.write() as session:
        real = session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        session.execute(text("UPDATE alembic_version SET version_num = 'f0f0f0f0f0f0'"))
    before = _sha(profile.db_path)
    with pytest.raises(MigrationFailed) as caught:
        profile.unlock(PASSPHRASE)
    assert "Nothing was lost" in str(caught.value)
    assert _sha(profile.db_path) == before
    # Put back by the service desk (or a newer Casebook): everything is there.
    from app.store.engine import create_store_engine  # the raw engine, as the doctor would

    key = _data_key(profile)
    engine = create_store_engine(profile.db_path, key)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": real})
    engine.dispose()
    with profile.unlock(PASSPHRASE) as store:
        _intact(store, kept)


def _data_key(profile: Profile) -> bytes:
    from app.store.keys import WrappedKey

    return WrappedKey.read(profile.path / "key.json").unseal(PASSPHRASE)


def test_a_key_file_from_another_profile_changes_nothing(tmp_path: Path) -> None:
    """A key.json swapped in from another profile (same passphrase, valid on its own) opens
    nothing, says so plainly, and once the right key file is back every record is there."""
    profile, kept = _profile_with_records(tmp_path / "a")
    stranger, _ = _profile_with_records(tmp_path / "b")
    own_key = (profile.path / "key.json").read_bytes()
    before = _sha(profile.db_path)
    shutil.copyfile(stranger.path / "key.json", profile.path / "key.json")
    with pytest.raises(CasebookError):
        profile.unlock(PASSPHRASE)
    assert _sha(profile.db_path) == before
    (profile.path / "key.json").write_bytes(own_key)
    with profile.unlock(PASSPHRASE) as store:
        _intact(store, kept)


def test_a_damaged_page_met_by_an_ordinary_read_is_reported_plainly(tmp_path: Path) -> None:
    """Whichever page is damaged, the worker meets StoreDamaged (at unlock or at the first read
    of that page), never a raw database exception."""
    profile, _ = _profile_with_records(tmp_path)
    pristine = profile.db_path.read_bytes()
    page = 4096
    pages = len(pristine) // page
    raw: list[str] = []
    for number in sorted({pages * k // 10 for k in range(2, 10)}):
        data = bytearray(pristine)
        for i in range(16):
            data[number * page + 200 + i] ^= 0xFF
        profile.db_path.write_bytes(bytes(data))
        try:
            with profile.unlock(PASSPHRASE) as store, store.read() as session:
                [visit.observations for visit in session.query(Visit)]
                [child.given_name for child in session.query(Child)]
        except CasebookError:
            continue
        except Exception as exc:  # what the worker would see instead of the plain message
            raw.append(f"page {number}/{pages}: {type(exc).__module__}.{type(exc).__name__}")
    assert not raw, "raw errors instead of StoreDamaged:\n" + "\n".join(raw)
