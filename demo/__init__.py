"""Demonstration data: made-up children, carers and workers for trying Casebook, for the
benchmarks and for tests, kept out of the product's packages.

- ``demo.laptop`` fills a laptop profile through the real store (``casebook --demo --text``,
  ``bench/``);
- ``demo.service`` loads the central service with teams, accounts and a caseload through the
  service's own write path (``casebook-server demo``, which ``make run`` starts).

The dependency runs one way: this package imports ``app`` and ``server``, and they import it
only at the entry points that start a demo (``ui.text_demo`` and the server's ``demo``
command), lazily (``tests/app/test_architecture.py``). Nothing here is imported when a worker
opens Casebook or when the service runs.
"""
