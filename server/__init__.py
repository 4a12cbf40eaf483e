"""Casebook's central service: accounts, devices, caseload scope, sync, attachments and audit.

It shares only :mod:`sync.protocol` with the laptops and never imports the client's store.
"""
