"""Freight quoting: pure arithmetic on a template and the lines shipped under it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class FreightLine:
    quantity: int
    weight_g: int  # per unit
    subtotal_fen: int


class NotDeliverable(Exception):
    pass


def _region_codes(district_code: str) -> set[str]:
    """A district code covers itself, its city and its province (GB/T 2260 prefixes)."""
    return {district_code, district_code[:4] + "00", district_code[:2] + "0000"}


def _charge(units: int, first_units: int, first_fen: int, add_units: int, add_fen: int) -> int:
    if units <= 0:
        return 0
    if units <= first_units:
        return first_fen
    extra = units - first_units
    steps = -(-extra // max(add_units, 1))  # ceiling: a started step is charged in full
    return first_fen + steps * add_fen


def quote(template, rules, lines: list[FreightLine], district_code: str) -> int:
    """Freight in fen for `lines` shipped to `district_code` under `template`.

    Raises NotDeliverable when the template excludes the destination.
    """
    codes = _region_codes(district_code)
    if codes & set(template.excluded_regions or []):
        raise NotDeliverable(template.name)
    subtotal = sum(line.subtotal_fen for line in lines)
    if template.free_threshold_fen is not None and subtotal >= template.free_threshold_fen:
        return 0
    if template.mode == "weight":
        units = sum(line.quantity * line.weight_g for line in lines)
    else:
        units = sum(line.quantity for line in lines)
    rule = next((r for r in rules if codes & set(r.regions or [])), None)
    src = rule or template
    return _charge(units, src.first_units, src.first_fen, src.additional_units, src.additional_fen)
