"""The caseload views the main window embeds: dashboard, case view, visit form."""
