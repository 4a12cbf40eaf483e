"""The wire schema and the client's models agree, so no field is lost between them; the laptop's
own encoding of a push is the protocol's ``PushRequest``."""

from __future__ import annotations

import gzip

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import inspect

from app.models import RECORD_TYPES
from app.serialize import content_fields
from sync.client import OutgoingChange, ServiceClient
from sync.protocol.messages import Change, PushRequest
from sync.protocol.records import RECORD_FIELDS

_WIRE_TYPE = {
    "String": "str",
    "Text": "str",
    "Date": "date",
    "Boolean": "bool",
    "Integer": "int",
    "Uuid": "uuid",
    "UTCDateTime": "datetime",
    "JSON": "object",
}


def test_every_synchronised_field_is_on_the_wire_with_its_type() -> None:
    """Each content column of each model appears in RECORD_FIELDS with the same type and
    nullability, and the wire lists nothing the models do not have."""
    expected: dict[str, dict[str, str]] = {}
    for name, cls in RECORD_TYPES.items():
        columns = inspect(cls).columns
        expected[name] = {
            key: _WIRE_TYPE[type(columns[key].type).__name__]
            + ("?" if columns[key].nullable else "")
            for key in content_fields(cls)
            if key != "deleted"  # travels as the change's operation
        }
    assert expected == RECORD_FIELDS


_IDS = st.uuids()
_JSON_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**53), 2**53), st.text(max_size=300)
)
_OUTGOING = st.builds(
    OutgoingChange,
    change_id=_IDS,
    record_type=st.sampled_from(sorted(RECORD_FIELDS)),
    record_id=_IDS,
    operation=st.sampled_from(["upsert", "delete"]),
    base_revision=st.none() | st.integers(0, 2**40),
    fields=st.dictionaries(st.text(min_size=1, max_size=30), _JSON_VALUES, max_size=8),
)


@given(changes=st.lists(_OUTGOING, max_size=12))
def test_the_laptops_push_body_reads_as_the_request_it_stands_for(
    changes: list[OutgoingChange],
) -> None:
    """The laptop writes push bodies itself, not through the ``PushRequest`` model: what the
    service reads from one must be exactly the request the model would have sent (the cursor
    goes apart, as a query parameter)."""
    body = ServiceClient.encode_push(changes)
    data = gzip.decompress(body.data) if body.gzipped else body.data
    expected = PushRequest(changes=[Change(**change._asdict()) for change in changes])
    assert PushRequest.model_validate_json(data) == expected
