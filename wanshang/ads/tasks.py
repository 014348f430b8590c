"""Scheduled work of this context (registered with common.scheduler)."""
