"""Reads: scanning a text, a shop's hits and claims, the term list."""

import threading
from datetime import datetime

from django.conf import settings
from django.db.models import Sum

from wanshang.adlaw.matching import CompiledTerm, Matcher, normalise, original_span, snippet
from wanshang.adlaw.models import (
    FAMILIES,
    NO_EXEMPTION_CATEGORIES,
    NO_EXEMPTION_FAMILIES,
    SEVERITIES,
    SOURCES,
    STRICT_CATEGORIES,
    STRICT_CATEGORY_KEYS,
    Claim,
    ClaimEvidence,
    ScannedText,
    Term,
    TermListState,
)
from wanshang.adlaw.types import Hit, TextHits
from wanshang.common.errors import NotFound

CLAIM_KINDS = Claim.KINDS
CLAIM_STATUSES = Claim.STATUSES
FAMILY_CHOICES = FAMILIES
SOURCE_CHOICES = SOURCES
SEVERITY_CHOICES = SEVERITIES
STRICT_CATEGORY_CHOICES = STRICT_CATEGORIES

_compiled: dict[str, tuple[int, Matcher]] = {}
_lock = threading.Lock()


def list_version() -> int:
    """The term list's version: bumped by every change of a term (services._bump_version)."""
    row = TermListState.objects.filter(pk=1).values_list("version", flat=True).first()
    return row or 0


def _matcher(version: int) -> Matcher:
    """The compiled list of `version`, built once per process and version."""
    cached = _compiled.get("list")
    if cached and cached[0] == version:
        return cached[1]
    with _lock:
        terms = []
        allowed: set[str] = set()
        for t in Term.objects.filter(is_active=True):
            terms.append(
                CompiledTerm(
                    id=t.pk,
                    text=t.text,
                    family=t.family,
                    severity=t.severity,
                    strict_categories=frozenset(t.strict_categories or ()),
                    explanation=t.explanation,
                    replacements=tuple(t.replacements or ()),
                )
            )
            allowed.update(w for w in (t.allowed_words or ()) if w)
        matcher = Matcher(terms, allowed)
        _compiled["list"] = (version, matcher)
        return matcher


def strict_category_for(*, category_slugs) -> str | None:
    """The strict category (medical, cosmetics, food, finance) of a product whose category and ancestors
    have these slugs, by settings.WANSHANG["ADLAW_STRICT_CATEGORIES"] (slug → strict category); None when
    none of them is mapped. Catalog calls this with the product's category path."""
    mapping = settings.WANSHANG["ADLAW_STRICT_CATEGORIES"]
    for slug in reversed(list(category_slugs)):
        if mapping.get(slug) in STRICT_CATEGORY_KEYS:
            return mapping[slug]
    return None


def _approved_claims(shop) -> list[tuple[int, str, str]]:
    if shop is None:
        return []
    rows = Claim.objects.for_shop(shop).filter(status="approved").values_list("pk", "term", "text")
    return [(pk, normalise(term)[0], normalise(text)[0]) for pk, term, text in rows]


def _exempting_claim(claims, normalised: str, start: int, end: int, term_key: str) -> int | None:
    """The approved claim whose exact text, found in this text, covers the hit (and names its term)."""
    for claim_id, claim_term, claim_text in claims:
        if not claim_text or term_key not in claim_term:
            continue
        at = normalised.find(claim_text)
        while at != -1:
            if at <= start and end <= at + len(claim_text):
                return claim_id
            at = normalised.find(claim_text, at + 1)
    return None


class Scanner:
    """The current list and one shop's approved claims, read once for several texts (texts_check, the rescan)."""

    def __init__(self, shop=None):
        self.matcher = _matcher(list_version())
        self.claims = _approved_claims(shop)

    def scan(self, text: str, *, category: str | None = None) -> list[Hit]:
        if not text:
            return []
        normalised, origin = normalise(str(text))
        raw = self.matcher.find(normalised)
        claims = self.claims if category not in NO_EXEMPTION_CATEGORIES else []
        return [_hit(text, normalised, origin, r, category, claims) for r in raw]


def _hit(text, normalised, origin, r, category, claims) -> Hit:
    term = r.term
    severity = "block" if term.severity == "block" or category in term.strict_categories else "warn"
    claim_id = None
    if claims and term.family not in NO_EXEMPTION_FAMILIES:
        claim_id = _exempting_claim(claims, normalised, r.start, r.end, normalise(term.text)[0])
    start, end = original_span(origin, r.start, r.end)
    return Hit(
        term=term.text,
        family=term.family,
        severity=severity,
        start=start,
        end=end,
        snippet=snippet(text, start, end),
        explanation=term.explanation,
        replacements=term.replacements,
        exempt=claim_id is not None,
        claim_id=claim_id,
    )


def text_scan(text: str, *, category: str | None = None, shop=None) -> list[Hit]:
    """Every term of the active list found in `text`, in order, with offsets into `text` as given.

    `category` is the text's strict category (medical, cosmetics, food, finance; None for a shop's or a
    coupon's text): a warn term listing it among its strict categories becomes "block". With `shop`, hits
    covered by the shop's approved exemption claims come back `exempt=True` (never in the medical and
    investment families, nor in the medical and finance categories). A pure read; the compiled list is cached
    per list version and process."""
    if not text:
        return []
    return Scanner(shop).scan(text, category=category)


def _text_hits(row: ScannedText) -> TextHits:
    return TextHits(
        id=row.pk,
        shop_id=row.shop_id,
        source=row.source,
        source_id=row.source_id,
        field=row.field,
        text=row.text,
        hits=tuple(h for h in (Hit.from_dict(d) for d in row.hits) if not h.exempt),
        scanned_at=row.scanned_at,
        hits_since=row.hits_since,
        new_terms=tuple(row.new_terms or ()),
    )


def open_hits(*, shop, source: str | None = None, source_id: int | None = None) -> list[TextHits]:
    """The shop's recorded texts that have hits not covered by an approved exemption, newest hits first;
    narrowed to one source (and one of its things) when given."""
    rows = ScannedText.objects.for_shop(shop).filter(open_count__gt=0)
    if source is not None:
        rows = rows.filter(source=source)
    if source_id is not None:
        rows = rows.filter(source_id=source_id)
    return [_text_hits(r) for r in rows.order_by("-hits_since", "-pk")]


def shop_hit_counts(*, shop_ids, since: datetime) -> dict[int, int]:
    """Open (not exempt) hits per shop among texts whose current hits first appeared at or after `since`.
    Shops without any are absent from the answer."""
    rows = (
        ScannedText.objects.filter(shop_id__in=list(shop_ids), open_count__gt=0, hits_since__gte=since)
        .values("shop_id")
        .annotate(n=Sum("open_count"))
    )
    return {r["shop_id"]: r["n"] for r in rows}


def shop_claims(*, shop, status: str | None = None):
    rows = Claim.objects.for_shop(shop).prefetch_related("evidence")
    return rows.filter(status=status) if status else rows


def shop_claim_get(*, shop, claim_id) -> Claim:
    claim = Claim.objects.for_shop(shop).prefetch_related("evidence").filter(pk=_int(claim_id)).first()
    if claim is None:
        raise NotFound("豁免申请不存在")
    return claim


def platform_claims(*, status: str | None = "pending"):
    rows = Claim.objects.select_related("shop").prefetch_related("evidence")
    return rows.filter(status=status) if status else rows


def platform_claim_get(*, claim_id) -> Claim:
    claim = (
        Claim.objects.select_related("shop").prefetch_related("evidence").filter(pk=_int(claim_id)).first()
    )
    if claim is None:
        raise NotFound("豁免申请不存在")
    return claim


def term_list(*, family: str | None = None, q: str = "", active: bool | None = None):
    rows = Term.objects.all()
    if family:
        rows = rows.filter(family=family)
    if q:
        rows = rows.filter(text__contains=q.strip())
    if active is not None:
        rows = rows.filter(is_active=active)
    return rows


def term_get(*, term_id) -> Term:
    term = Term.objects.filter(pk=_int(term_id)).first()
    if term is None:
        raise NotFound("用语不存在")
    return term


def evidence_get(*, evidence_id, shop=None):
    """One evidence file: a shop sees only its own (shop given), the platform any."""
    rows = ClaimEvidence.objects.for_shop(shop) if shop is not None else ClaimEvidence.objects.all()
    row = rows.filter(pk=_int(evidence_id)).first()
    if row is None:
        raise NotFound("证明文件不存在")
    return row


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
