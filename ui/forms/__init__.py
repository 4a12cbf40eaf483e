"""Assessment forms on screen: one renderer turns any form template into widgets."""
