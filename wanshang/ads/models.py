"""Data and invariants of this context."""
