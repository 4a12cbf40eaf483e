"""Domain operations that are more than one ORM assignment; each takes keyword-only arguments."""
