"""What both demos share about their carer households: the carers' made-up names and their
relationships to the child, and what approved fostering households are approved for, so the
carer register (searched by type of fostering, ``fostering_approval_type``) finds the demo's
households in either demo."""

from __future__ import annotations

#: Carers' given names (invented, UK-plausible) and a kin carer's relationship to the child.
ADULTS = (
    "Sandra", "Gary", "Paula", "Dean", "Bernadette", "Wayne", "Shirley", "Colin", "Yasmin",
    "Tariq", "Joanne", "Andrzej", "Grace", "Emeka", "Sharon", "Lee", "Parveen", "Martin",
    "Denise", "Kwame", "Gemma", "Stuart", "Rukhsana", "Trevor", "Agnieszka", "Carl",
)  # fmt: skip
KIN = (
    "Maternal grandmother", "Paternal grandmother", "Maternal aunt", "Paternal uncle",
    "Older sister", "Family friend", "Godmother", "Maternal grandfather",
)  # fmt: skip
#: The types of fostering a mainstream household is approved for, in the register's usual mix.
MAINSTREAM_TYPES = (
    "SHORT_TERM",
    "LONG_TERM",
    "SHORT_TERM",
    "SHORT_BREAKS",
    "EMERGENCY",
    "LONG_TERM",
)
#: The approval type of the other kinds of fostering household, as the decision records it.
APPROVAL_TYPES = {
    "CONNECTED_PERSON": "CONNECTED_PERSON",
    "FOSTERING_FOR_ADOPTION": "FOSTERING_FOR_ADOPTION",
}
#: Kinds of carer who foster (and so are approved for a type of fostering).
FOSTERING = ("MAINSTREAM_FOSTER", "CONNECTED_PERSON", "FOSTERING_FOR_ADOPTION")
#: Days between a connected person's viability assessment, which counts as their application,
#: and their temporary approval (``app.carer_pipeline.start_connected``).
VIABILITY_DAYS = 3


def approval_type(carer_type: str, number: int) -> str | None:
    """The type of fostering an approved household of ``carer_type`` is approved for (None
    for a kind that does not foster); ``number`` picks a mainstream household's from the mix,
    so no random choice is spent on it and the rest of a demo is unchanged by it."""
    if carer_type not in FOSTERING:
        return None
    return APPROVAL_TYPES.get(carer_type) or MAINSTREAM_TYPES[number % len(MAINSTREAM_TYPES)]
