"""Writes of this context."""
