"""People are shown by name, not login id, wherever a record says who wrote, signed off or
approved it (the record itself keeps the id): the case page's sign-off line and addenda, the
chronology, and the PDF; an id with no name known is shown as it is."""

from __future__ import annotations

from app import people
from app.chronology import chronology
from app.exports import service as exports
from app.exports.builders import visit_document
from app.models import Visit
from app.services import visits
from app.store import Store
from tests.app import factories


def test_sign_offs_addenda_chronology_and_pdfs_name_people(store: Store) -> None:
    with store.write() as session:
        child = factories.child()
        session.add(child)
    with store.write() as session:
        visit = factories.finalised_visit(child.id)
        session.add(visit)
    visits.add_addendum(store, visit_id=visit.id, text="The carer's name is spelt Shah.")
    before = visits.load(store, visit_id=visit.id)
    assert before.finalised_by == store.worker  # no names yet: the id as it is

    with store.write(remote=True) as session:
        people.save(session, {store.worker: "Alice Okafor", "someone": "Sam Reid"})
    shown = visits.load(store, visit_id=visit.id)
    assert shown.finalised_by == "Alice Okafor"
    assert [a.written_by for a in shown.addenda] == ["Alice Okafor"]
    with store.read() as session:
        assert session.get(Visit, visit.id).finalised_by == store.worker  # type: ignore[union-attr]
        authors = {e.author for e in chronology(session, child.id)}
        document = visit_document(session, visit.id, exports.context(store))
    assert authors == {"Alice Okafor"}
    meta = {row.label: row.value for row in document.meta}
    assert meta["Signed off by"].startswith("Alice Okafor on ")
    assert meta["Recorded by"].startswith("Alice Okafor on ")
    assert [note.written_by for note in document.addenda] == ["Alice Okafor"]
    assert exports.context(store).exported_by == "Alice Okafor"
    assert people.shown({"someone": "Sam Reid"}, "x9") == "x9"
