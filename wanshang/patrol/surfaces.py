"""Surfaces a web face plugs into the patrol: what a face's rendered-HTML cache holds for a product.

The patrol is a domain app and may not import a face, yet the storefront's cached cards are a place a buyer
sees a product. So the face registers a reader here when it starts (`services.surface_register`, from its
AppConfig.ready), the
way a subscriber registers on an event, and the patrol reads whatever is registered (`read`). A reader answers
only for the products it holds something for; one that fails (a cache server down) is logged and skipped: the
rest of the report is still written.
"""

import logging

from wanshang.patrol.types import Shown, SurfaceReader

log = logging.getLogger(__name__)

_readers: dict[str, SurfaceReader] = {}


def register(label: str, reader: SurfaceReader) -> None:
    """Plug in a surface under the label the findings show (registering a label again replaces its reader)."""
    _readers[label] = reader


def read(product_ids: list[int]) -> dict[int, list[tuple[str, Shown]]]:
    """Per product, (surface label, what it shows) for every registered surface that holds it."""
    out: dict[int, list[tuple[str, Shown]]] = {}
    if not product_ids:
        return out
    for label, reader in list(_readers.items()):
        try:
            found = reader(list(product_ids))
        except Exception:  # a cache outage must not lose the day's report
            log.warning("patrol: reading the surface %s failed", label, exc_info=True)
            continue
        for product_id, shown in found.items():
            out.setdefault(product_id, []).append((label, shown))
    return out
