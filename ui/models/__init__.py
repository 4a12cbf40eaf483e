"""Qt item models over plain rows from ``app`` (worked out on worker threads)."""
