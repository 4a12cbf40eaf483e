"""Statutory deadlines: a rule table (resources/rules/deadlines.toml) evaluated into "next due,
overdue, due soon or done" for every child and carer household."""
