"""Assessment forms as data: templates, and checking answers against them (Qt-free)."""
