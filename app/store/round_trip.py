"""Write one record and read it back: the packaged app's self-test proves the encrypted store,
its driver and the models work together on this machine (a frozen build can miss a module only
a real write loads).
"""

from __future__ import annotations

from datetime import date

from app.models import Child
from app.store.store import Store


def write_and_read_back(store: Store, *, given_name: str, family_name: str, worker: str) -> bool:
    """Whether a child written in one transaction is read back, as written, in another."""
    with store.write() as session:
        child = Child(
            given_name=given_name,
            family_name=family_name,
            date_of_birth=date(2017, 3, 14),
            sex="F",
            allocated_worker=worker,
        )
        session.add(child)
        session.flush()
        child_id = child.id
    with store.read() as session:
        found = session.get(Child, child_id)
        return found is not None and found.family_name == family_name
