"""The ads engine: matching, quality, the GSP auction, pacing and auto-bidding as pure functions.

Plain frozen dataclasses in (`types.py`), plain values out: no models, no database, no clock. The caller (the
ads services and the search page) reads rows, builds the inputs once (`KeywordIndex` for a whole serving
process) and writes what comes back. Money is integer fen throughout. Rules and worked examples:
docs/ads-engine.md.
"""
