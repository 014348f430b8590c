"""Types others use with the patrol: what a face's rendered page shows of a product (`Shown`, answered by the
readers faces plug in with `services.surface_register`)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Shown:
    """What a rendered page shows of a product: its title and the list price it was rendered with."""

    title: str
    price_fen: int | None


SurfaceReader = Callable[[list[int]], dict[int, Shown]]
