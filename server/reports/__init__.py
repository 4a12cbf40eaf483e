"""The service's own figures, worked out from its records: timeliness, permanence, stability
and placements (issue 27). One idea per module; each figure is a pure function of a session,
the subjects in scope and a period, returning plain typed values that the API, the CSV and the
PDF all render."""
