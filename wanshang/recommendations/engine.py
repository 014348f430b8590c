"""The recommenders as pure functions over plain rows, shared by the job (tasks → services), the read side
(selectors) and the offline measurement (bench/recommendations.py), so what is measured is what runs.

- `co_occurrence`: baskets (a visitor's day of product views; a buyer's paid products) → for each product its
  most related products. The score is the cosine of the two products' basket sets, shrunk for small counts:

      score(a, b) = together / sqrt(n_a × n_b) × together / (together + SHRINK)

  where n_a is the number of baskets holding a and `together` the number holding both. Dividing by
  sqrt(n_a × n_b) keeps best-sellers (in every basket) from being everyone's neighbour; the shrink keeps one
  coincidental basket from outranking a pattern seen many times.
- `popularity_scores`: product-page visitors + BUYER_WEIGHT × buyers.
- `for_you`: 猜你喜欢 from a visitor's recent touches (newest first, decaying), the neighbours of each touched
  product, then the popular products of the touched categories, then the popular products of the whole mall.
"""

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

SHRINK = 1.0
TOP_RELATED = 30  # neighbours kept per product and kind
MAX_BASKET = 60  # products kept of one basket (a crawler's day would otherwise make quadratic pairs)
BUYER_WEIGHT = 5.0  # one buyer counts as much as this many product-page visitors in popularity

# 猜你喜欢
SEEDS = 20  # distinct products of the visitor's history used
DECAY = 0.3  # weight of the n-th most recent distinct product: DECAY ** n (bench: recent intent wins)
KIND_WEIGHT = {"pv": 1.0, "cart": 2.0, "fav": 2.0, "bought": 2.0}
CO_BOUGHT_WEIGHT = 1.0  # relative to co-viewed neighbours
CATEGORY_WEIGHT = 1.0  # the best seller of the touched categories, relative to a neighbour of score 1


def co_occurrence(
    baskets: Iterable[Iterable[int]], *, top: int = TOP_RELATED, shrink: float = SHRINK
) -> dict[int, list[tuple[int, float, int]]]:
    """product → [(related product, score, together)], best first (ties: more together, then lower id)."""
    n: Counter = Counter()
    pairs: Counter = Counter()
    for basket in baskets:
        items = sorted(set(basket))
        if len(items) > MAX_BASKET:
            items = items[:MAX_BASKET]
        n.update(items)
        for i, a in enumerate(items):
            for b in items[i + 1 :]:
                pairs[(a, b)] += 1
    related: dict[int, list[tuple[int, float, int]]] = defaultdict(list)
    for (a, b), together in pairs.items():
        score = together / math.sqrt(n[a] * n[b]) * together / (together + shrink)
        related[a].append((b, score, together))
        related[b].append((a, score, together))
    return {
        product: sorted(rows, key=lambda r: (-r[1], -r[2], r[0]))[:top] for product, rows in related.items()
    }


def popularity_scores(visitors: Counter, buyers: Counter) -> dict[int, float]:
    return {p: visitors[p] + BUYER_WEIGHT * buyers[p] for p in set(visitors) | set(buyers)}


@dataclass
class Seeds:
    """What a visitor did, distilled: product → weight, category → weight, and products not to offer."""

    products: dict[int, float] = field(default_factory=dict)
    categories: dict[int, float] = field(default_factory=dict)
    exclude: set[int] = field(default_factory=set)


def seeds_from(touches: Iterable[tuple], *, bought: Iterable[tuple[int, int | None]] = ()) -> Seeds:
    """`touches`: (product_id, category_id, kind) newest first; `bought`: (product_id, category_id) recently
    paid for — seeds for their neighbours, and never offered again."""
    seeds = Seeds()
    rank = 0
    for product_id, category_id, kind in touches:
        if product_id not in seeds.products:
            if rank >= SEEDS:
                continue
            rank += 1
        weight = KIND_WEIGHT.get(kind, 1.0) * DECAY ** (rank - 1)
        seeds.products[product_id] = max(seeds.products.get(product_id, 0.0), weight)
        if category_id:
            seeds.categories[category_id] = seeds.categories.get(category_id, 0.0) + weight
    for product_id, category_id in bought:
        seeds.products.setdefault(product_id, KIND_WEIGHT["bought"] * DECAY**rank)
        if category_id:
            seeds.categories[category_id] = seeds.categories.get(category_id, 0.0) + KIND_WEIGHT["bought"]
        seeds.exclude.add(product_id)
    seeds.exclude.update(seeds.products)
    return seeds


def for_you(
    seeds: Seeds,
    *,
    neighbours: dict[str, dict[int, list[tuple[int, float]]]],
    category_popular: dict[int, list[tuple[int, float]]],
    popular: list[int],
    limit: int,
) -> list[int]:
    """Ranked product ids: personal candidates by score, then the mall's popular products. `neighbours` is
    kind → product → [(related, score)]; `category_popular` is category → [(product, popularity)] best first."""
    scores: Counter = Counter()
    for kind, table in neighbours.items():
        factor = CO_BOUGHT_WEIGHT if kind == "co_bought" else 1.0
        for product_id, weight in seeds.products.items():
            for related_id, score in table.get(product_id, ()):
                scores[related_id] += weight * score * factor
    total = sum(seeds.categories.values()) or 1.0
    for category_id, weight in seeds.categories.items():
        rows = category_popular.get(category_id) or []
        best = rows[0][1] if rows and rows[0][1] > 0 else 1.0
        for product_id, pop in rows:
            scores[product_id] += CATEGORY_WEIGHT * weight / total * pop / best
    ranked = [p for p, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])) if p not in seeds.exclude]
    seen = set(ranked)
    for product_id in popular:
        if len(ranked) >= limit:
            break
        if product_id not in seen and product_id not in seeds.exclude:
            ranked.append(product_id)
            seen.add(product_id)
    return ranked[:limit]
