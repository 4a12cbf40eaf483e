"""The laptop's copy of the service's records as far as sync is concerned: the only code that
reads or writes the sync tables.

Those tables are the outbox (changes waiting for the service), ``profile_state`` (small named
values kept with the data), the merge bases, the versions waiting for a record they refer to,
the removals kept back for the worker and the trigger pause. Each had grown several writers in
three layers, each with its own idea of how to write them; here each is written one way:

- ``state``: every ``profile_state`` key, typed, with one read and one write;
- ``outbox``: queueing a change, what is waiting or refused, removals kept back;
- ``sent_mark``: which outbox entries may have reached the service;
- ``page_triggers``: the record tables' insert triggers done once for a pulled page.

``sync/`` decides what to do with them and talks to the service; ``ui/`` asks through plain
functions. Raw SQL lives only here and in ``app.store``, each statement named
(``tests/app/test_architecture.py`` holds the line).
"""
