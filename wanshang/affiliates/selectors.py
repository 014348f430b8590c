"""Reads of this context."""
