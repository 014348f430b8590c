"""Promotions: the kinds registry (`kinds.py`: each kind's rules and its place in the stacking policy)."""
