"""The wire schema and the client's models agree, so no field is lost between them."""

from __future__ import annotations

from sqlalchemy import inspect

from app.models import RECORD_TYPES
from app.serialize import content_fields
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
