"""The laptop's copy of the service's records as far as sync is concerned: the only code that
reads or writes the sync tables.

Those tables are the outbox (changes waiting for the service), ``profile_state`` (small named
values kept with the data), the merge bases, the versions waiting for a record they refer to,
the removals kept back for the worker and the trigger pause. Each had grown several writers in
three layers, each with its own idea of how to write them; here each is written one way:

- ``state``: every ``profile_state`` key, typed, with one read and one write;
- ``outbox``: queueing a change, what is waiting or refused, settling and dropping entries,
  removals kept back;
- ``batches``: the outbox taken a batch at a time for a push, and a sync's opening looks;
- ``sent_mark``: which outbox entries may have reached the service;
- ``settle``: the bulk reads and writes of settling a pulled page or a pushed batch;
- ``bases``: the merge bases; ``waiting``: versions waiting for a record; ``resync``: a full
  re-sync's bookkeeping;
- ``page_triggers``: the record tables' insert triggers done once for a pulled page;
- ``status``: what the status bar and Sync details show, as plain values from a ``Store``;
- ``rows``: the record tables' bulk row writers (insert, upsert, stamps), whose statements
  ``sync.rows`` fills with rows it makes from wire versions; ``records``: the reads of the
  record tables that sync's decisions need; ``transfers``: the attachment files due to move.

``sync/`` decides what to do with them and talks to the service; ``ui/`` asks through plain
functions. SQL on these tables lives only here and in ``app.store``, each statement named
(``tests/app/test_architecture.py`` holds the line, and that ``sync/`` holds no SQL at all).
"""
