"""Writes: the term list (platform), scanning a shop's text on save, exemption claims, the rescan."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wanshang.adlaw import selectors
from wanshang.adlaw.matching import normalise
from wanshang.adlaw.models import (
    FAMILY_LABELS,
    NO_EXEMPTION_FAMILIES,
    SEVERITIES,
    SOURCE_LABELS,
    STRICT_CATEGORY_KEYS,
    Claim,
    ClaimEvidence,
    ScannedText,
    Term,
    TermListState,
)
from wanshang.adlaw.termfile import read_terms
from wanshang.adlaw.types import Hit
from wanshang.common import events
from wanshang.common.domain_events import AdlawClaimDecided, AdlawRescanFound
from wanshang.common.errors import Conflict, NotFound, ValidationError
from wanshang.merchants.services import shop_update_settings

FIELD_LABELS = {
    "title": "标题",
    "subtitle": "副标题",
    "detail_html": "详情",
    "name": "名称",
    "description": "简介",
    # 店铺活动页 modules (shoppages): `<key>.<position>`
    "heading": "小标题",
    "text": "文字段落",
    "alt": "图片说明",
    "label": "按钮文字",
}
MAX_TEXT = 100_000
EVIDENCE_TYPES = {".pdf", ".jpg", ".jpeg", ".png", ".webp"}


# ---- the term list ----------------------------------------------------------------------------------


def _bump_version(now=None) -> int:
    """Every change of the list bumps its version: the matcher is rebuilt and the nightly rescan runs."""
    now = now or timezone.now()
    TermListState.objects.get_or_create(pk=1)
    TermListState.objects.filter(pk=1).update(version=F("version") + 1, changed_at=now)
    return selectors.list_version()


def _words(values, *, field: str, label: str, max_len: int = 40, max_count: int = 30) -> list[str]:
    if isinstance(values, str):
        values = values.replace("，", ",").replace("\n", ",").split(",")
    out = []
    for value in values or []:
        word = str(value).strip()
        if not word:
            continue
        if len(word) > max_len:
            raise ValidationError(f"{label}中的“{word[:10]}…”过长（不超过 {max_len} 字）", field=field)
        if word not in out:
            out.append(word)
    if len(out) > max_count:
        raise ValidationError(f"{label}最多 {max_count} 个", field=field)
    return out


def _clean_term(data: dict) -> dict:
    text = str(data.get("text") or "").strip()
    if not 1 <= len(text) <= 40 or not normalise(text)[0]:
        raise ValidationError("用语须为 1–40 字，且含文字或数字", field="text")
    if data.get("family") not in FAMILY_LABELS:
        raise ValidationError("请选择用语类别", field="family")
    if data.get("severity") not in dict(SEVERITIES):
        raise ValidationError("级别须为 禁止 或 提醒", field="severity")
    strict = list(data.get("strict_categories") or [])
    if any(c not in STRICT_CATEGORY_KEYS for c in strict):
        raise ValidationError("严格类目只能是 medical、cosmetics、food、finance", field="strict_categories")
    explanation = str(data.get("explanation") or "").strip()
    if not 2 <= len(explanation) <= 300:
        raise ValidationError("说明须为 2–300 字", field="explanation")
    allowed = _words(data.get("allowed_words"), field="allowed_words", label="普通词", max_count=60)
    key = normalise(text)[0]
    for word in allowed:
        if key not in normalise(word)[0]:
            raise ValidationError(f"普通词“{word}”须包含用语“{text}”", field="allowed_words")
    return {
        "text": text,
        "family": data["family"],
        "severity": data["severity"],
        "strict_categories": list(dict.fromkeys(strict)),
        "explanation": explanation,
        "replacements": _words(data.get("replacements"), field="replacements", label="替换建议", max_len=20),
        "allowed_words": allowed,
    }


def term_save(*, term_id=None, **data) -> Term:
    """Add a term (term_id None) or edit one; bumps the list version. Raises ValidationError, NotFound."""
    fields = _clean_term(data)
    if "is_active" in data:
        fields["is_active"] = bool(data["is_active"])
    with transaction.atomic():
        clash = Term.objects.filter(text=fields["text"])
        if term_id is not None:
            term = Term.objects.select_for_update().filter(pk=selectors._int(term_id)).first()
            if term is None:
                raise NotFound("用语不存在")
            clash = clash.exclude(pk=term.pk)
        if clash.exists():
            raise ValidationError(f"用语“{fields['text']}”已在列表中", field="text")
        if term_id is None:
            term = Term.objects.create(**fields)
        else:
            for key, value in fields.items():
                setattr(term, key, value)
            term.save()
        _bump_version()
    return term


def term_set_active(*, term_id, active: bool) -> Term:
    """Deactivate (or bring back) a term; the list keeps it for its history. Bumps the version."""
    with transaction.atomic():
        term = Term.objects.select_for_update().filter(pk=selectors._int(term_id)).first()
        if term is None:
            raise NotFound("用语不存在")
        if term.is_active != bool(active):
            term.is_active = bool(active)
            term.save(update_fields=["is_active", "updated_at"])
            _bump_version()
    return term


def terms_import(*, path=None) -> dict[str, int]:
    """Load the repository's term file (wanshang/adlaw/terms.json): add missing terms and bring changed
    ones back to the file's wording. Terms only in the database (added by the platform) are left alone.
    Idempotent: a second run changes nothing and does not bump the version."""
    try:
        entries = read_terms(path)
    except (OSError, ValueError) as exc:
        raise ValidationError(f"术语文件无法读取：{exc}") from exc
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        existing = {t.text: t for t in Term.objects.select_for_update()}
        for entry in entries:
            fields = _clean_term(entry)
            term = existing.get(fields["text"])
            if term is None:
                existing[fields["text"]] = Term.objects.create(**fields)
                counts["created"] += 1
            elif any(getattr(term, k) != v for k, v in fields.items()):
                for key, value in fields.items():
                    setattr(term, key, value)
                term.save()
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        if counts["created"] or counts["updated"]:
            _bump_version()
    return counts


# ---- scanning a shop's texts on save ------------------------------------------------------------------


def _field_label(field: str) -> str:
    return FIELD_LABELS.get(field.split(".")[0], field)


def block_message(field: str, hit: Hit) -> str:
    """The one sentence a merchant reads when a term refuses the save."""
    suggestion = f"，可改为“{'”“'.join(hit.replacements[:3])}”" if hit.replacements else ""
    return f"{_field_label(field)}含有广告法禁用语“{hit.term}”（{hit.explanation}）{suggestion}"


def _record(*, shop, source, source_id, field, text, category, hits: list[Hit], version: int, now) -> None:
    """Keep the field's latest scan. Two first saves of one field at once (a review reply submitted twice) must
    not both insert: the row is put with INSERT … ON CONFLICT DO NOTHING, which waits for the other
    transaction's row, and then updated, so the last save's scan is the one kept."""
    open_terms = {h.term for h in hits if not h.exempt}
    key = {"source": source, "source_id": source_id, "field": field}
    row = ScannedText.objects.for_shop(shop).filter(**key).first()
    if not text and row is None:
        return
    before = set() if row is None else {h["term"] for h in row.hits if not h.get("exempt")}
    values = {
        "text": text,
        "category": category or "",
        "hits": [h.as_dict() for h in hits],
        "open_count": len([h for h in hits if not h.exempt]),
        "list_version": version,
        "scanned_at": now,
        "new_terms": [],
    }
    if not open_terms:
        values["hits_since"] = None
    elif not before or open_terms - before:
        values["hits_since"] = now
    if row is None:
        ScannedText.objects.bulk_create([ScannedText(shop=shop, **key, **values)], ignore_conflicts=True)
    ScannedText.objects.for_shop(shop).filter(**key).update(**values)


def texts_check(
    *, shop, source: str, source_id: int, fields: dict[str, str], category: str | None = None
) -> dict[str, list[Hit]]:
    """Scan the texts a shop is saving (`fields`: field name → text, e.g. {"title": …, "sku.12": …}).

    A blocking hit not covered by an approved exemption raises ValidationError naming the field, the term
    and the suggested replacements; nothing is recorded then (the caller's transaction rolls back).
    Otherwise each field's scan is recorded (refreshing the previous one) and the warnings per field are
    returned, for the caller's form to show inline. Call it inside the caller's transaction."""
    if source not in SOURCE_LABELS:
        raise ValueError(f"unknown adlaw source {source!r}")
    version = selectors.list_version()
    scanner = selectors.Scanner(shop)
    found: dict[str, list[Hit]] = {}
    for field, text in fields.items():
        text = str(text or "")[:MAX_TEXT]
        hits = scanner.scan(text, category=category)
        for hit in hits:
            if hit.blocking:
                raise ValidationError(block_message(field, hit), field=field.split(".")[0], code="adlaw")
        found[field] = hits
    now = timezone.now()
    for field, hits in found.items():
        _record(
            shop=shop,
            source=source,
            source_id=source_id,
            field=field,
            text=str(fields[field] or "")[:MAX_TEXT],
            category=category,
            hits=hits,
            version=version,
            now=now,
        )
    warnings = {field: [h for h in hits if not h.exempt] for field, hits in found.items()}
    return {field: hits for field, hits in warnings.items() if hits}


def texts_forget(*, shop, source: str, source_id: int, keep_fields=None) -> int:
    """Drop the recorded texts of a thing that is gone (or of its fields not in `keep_fields`)."""
    rows = ScannedText.objects.for_shop(shop).filter(source=source, source_id=source_id)
    if keep_fields is not None:
        rows = rows.exclude(field__in=list(keep_fields))
    return rows.delete()[0]


# ---- exemption claims (SAMR 2023 guide) ---------------------------------------------------------------


def _check_evidence(files) -> list:
    files = [f for f in (files or []) if f]
    limit = settings.WANSHANG["ADLAW_EVIDENCE_MAX_FILES"]
    if len(files) > limit:
        raise ValidationError(f"证明文件最多 {limit} 个", field="evidence")
    max_bytes = settings.WANSHANG["ADLAW_EVIDENCE_MAX_BYTES"]
    for f in files:
        name = str(getattr(f, "name", "") or "")
        ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
        if ext not in EVIDENCE_TYPES:
            raise ValidationError("证明文件须为 PDF、JPG、PNG 或 WebP", field="evidence")
        if not 0 < (f.size or 0) <= max_bytes:
            raise ValidationError(f"证明文件须小于 {max_bytes // (1024 * 1024)}MB 且不为空", field="evidence")
        head = f.read(8)
        f.seek(0)
        if not _looks_like(ext, head):
            raise ValidationError(f"文件“{name[:40]}”的内容与类型不符", field="evidence")
    return files


def _looks_like(ext: str, head: bytes) -> bool:
    if ext == ".pdf":
        return head.startswith(b"%PDF")
    if ext in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if ext == ".png":
        return head.startswith(b"\x89PNG")
    return head.startswith(b"RIFF")  # webp


def claim_file(*, shop, user, term: str, text: str, kind: str, note: str = "", files=()) -> Claim:
    """A shop asks that `term` be allowed in exactly `text` (which must contain it), citing a kind of the SAMR
    2023 guide, with evidence files. Medical and investment terms take no exemption. Raises
    ValidationError, Conflict (the same claim is already pending or approved)."""
    term = str(term or "").strip()
    text = str(text or "").strip()
    known = Term.objects.filter(text=term).first()
    if known is None:
        raise ValidationError("请选择列表中的用语", field="term")
    if known.family in NO_EXEMPTION_FAMILIES:
        raise ValidationError(f"“{term}”属于{FAMILY_LABELS[known.family]}，依法不能豁免", field="term")
    if not 2 <= len(text) <= 200:
        raise ValidationError("适用文字须为 2–200 字", field="text")
    if normalise(term)[0] not in normalise(text)[0]:
        raise ValidationError(f"适用文字须包含“{term}”", field="text")
    if kind not in dict(Claim.KINDS):
        raise ValidationError("请选择豁免类型", field="kind")
    note = str(note or "").strip()
    if len(note) > 500:
        raise ValidationError("说明不超过 500 字", field="note")
    if kind == "statistic" and not note:
        raise ValidationError("统计数据须写明时间、地域和数据来源", field="note")
    files = _check_evidence(files)
    if not files:
        raise ValidationError("请上传至少一个证明文件", field="evidence")
    with transaction.atomic():
        if (
            Claim.objects.for_shop(shop)
            .filter(term=term, text=text, status__in=["pending", "approved"])
            .exists()
        ):
            raise Conflict("这段文字的同一用语已有待审核或已通过的申请")
        claim = Claim.objects.create(shop=shop, term=term, text=text, kind=kind, note=note, created_by=user)
        for f in files:
            ClaimEvidence.objects.create(
                shop=shop, claim=claim, file=f, name=str(f.name)[-120:], size=f.size or 0
            )
    return claim


def claim_withdraw(*, shop, claim_id) -> Claim:
    """The shop takes back a pending or approved claim; an approved one stops exempting its text."""
    with transaction.atomic():
        claim = Claim.objects.for_shop(shop).select_for_update().filter(pk=selectors._int(claim_id)).first()
        if claim is None:
            raise NotFound("豁免申请不存在")
        if claim.status not in ("pending", "approved"):
            raise Conflict("该申请已处理，无法撤回")
        was_approved = claim.status == "approved"
        claim.status = "withdrawn"
        claim.save(update_fields=["status"])
        if was_approved:
            _rescan_rows(ScannedText.objects.for_shop(shop), now=timezone.now(), mark_new=False)
    return claim


def claim_decide(*, claim_id, reviewer, approve: bool, reason: str) -> Claim:
    """The platform approves or rejects a pending claim with a reason (shown to the shop). Approving rescans
    the shop's recorded texts so the exempted hits leave its list. Raises ValidationError, NotFound,
    Conflict."""
    reason = str(reason or "").strip()
    if not 2 <= len(reason) <= 300:
        raise ValidationError("请填写 2–300 字的审核理由", field="reason")
    with transaction.atomic():
        claim = Claim.objects.select_for_update().filter(pk=selectors._int(claim_id)).first()
        if claim is None:
            raise NotFound("豁免申请不存在")
        if claim.status != "pending":
            raise Conflict("该申请已处理")
        claim.status = "approved" if approve else "rejected"
        claim.decision_reason = reason
        claim.reviewed_by = reviewer
        claim.reviewed_at = timezone.now()
        claim.save(update_fields=["status", "decision_reason", "reviewed_by", "reviewed_at"])
        events.publish(
            AdlawClaimDecided(
                shop_id=claim.shop_id,
                claim_id=claim.pk,
                term=claim.term,
                approved=approve,
                reason=reason,
                at=claim.reviewed_at,
            )
        )
        if approve:
            _rescan_rows(
                ScannedText.objects.filter(shop_id=claim.shop_id), now=claim.reviewed_at, mark_new=False
            )
    return claim


# ---- the rescan --------------------------------------------------------------------------------------


def _rescan_rows(rows, *, now: datetime, mark_new: bool) -> int:
    """Scan recorded texts again with the current list and the shops' current claims. Blocking terms cannot
    be refused any more (the text is saved): they are recorded as open hits. With `mark_new`, terms not found
    before are listed in `new_terms` and move `hits_since` (the shop's "new since" mark)."""
    version = selectors.list_version()
    changed = 0
    scanners: dict[int, selectors.Scanner] = {}
    for row in rows.select_related("shop").order_by("pk").iterator(chunk_size=500):
        if row.shop_id not in scanners:
            scanners[row.shop_id] = selectors.Scanner(row.shop)
        hits = scanners[row.shop_id].scan(row.text, category=row.category or None)
        before = {h["term"] for h in row.hits if not h.get("exempt")}
        now_open = {h.term for h in hits if not h.exempt}
        new = sorted(now_open - before)
        row.hits = [h.as_dict() for h in hits]
        row.open_count = len([h for h in hits if not h.exempt])
        row.list_version = version
        row.scanned_at = now
        if not now_open:
            row.hits_since = None
            row.new_terms = []
        elif new and mark_new:
            row.hits_since = now
            row.new_terms = new
        elif row.hits_since is None:
            row.hits_since = now
        row.save(
            update_fields=["hits", "open_count", "list_version", "scanned_at", "hits_since", "new_terms"]
        )
        changed += 1
    return changed


def texts_rescan(*, now=None) -> int:
    """The nightly job: when the list's version moved since the last finished rescan, scan every recorded
    text again and mark new hits for their shops. Does nothing when the version is unchanged, so a repeated
    or late run is harmless; a run killed midway is redone whole next time (the version mark is written
    last)."""
    now = now or timezone.now()
    TermListState.objects.get_or_create(pk=1)
    state = TermListState.objects.get(pk=1)
    if state.rescanned_version == state.version:
        return 0
    target = state.version
    done = _rescan_rows(ScannedText.objects.exclude(list_version=target), now=now, mark_new=True)
    with transaction.atomic():
        _announce_new_hits(version=target, since=state.rescanned_at, now=now)
        TermListState.objects.filter(pk=1).update(rescanned_version=target, rescanned_at=now)
    return done


def _announce_new_hits(*, version: int, since, now) -> int:
    """One AdlawRescanFound per shop whose texts this rescan (or a run of it killed midway) marked with new
    terms: how many texts, how many new terms, the first few of them. Read from the marks the rows carry, so a
    run that redoes a killed one still counts the rows the killed one marked. Returns the shops told."""
    rows = ScannedText.objects.filter(open_count__gt=0, hits_since__isnull=False)
    if since is not None:
        rows = rows.filter(hits_since__gt=since)
    per_shop: dict[int, tuple[int, dict[str, None]]] = {}
    for shop_id, new_terms in rows.order_by("shop_id", "pk").values_list("shop_id", "new_terms").iterator():
        if not new_terms:
            continue
        texts, terms = per_shop.get(shop_id, (0, {}))
        terms.update(dict.fromkeys(new_terms))
        per_shop[shop_id] = (texts + 1, terms)
    for shop_id, (texts, terms) in per_shop.items():
        events.publish(
            AdlawRescanFound(
                shop_id=shop_id,
                version=version,
                texts=texts,
                term_count=len(terms),
                terms=tuple(list(terms)[:10]),
                at=now,
            )
        )
    return len(per_shop)


def shop_settings_save(*, shop, name, description, logo_url="", ship_within_hours=None):
    """merchants.services.shop_update_settings with the shop's name and description scanned first (merchants
    sits below adlaw, so the faces call this). Returns (shop, warnings per field); a blocking term raises
    ValidationError on its field and nothing changes."""
    with transaction.atomic():
        warnings = texts_check(
            shop=shop,
            source="shop",
            source_id=shop.pk,
            fields={"name": str(name or "").strip(), "description": str(description or "").strip()},
        )
        shop = shop_update_settings(
            shop=shop,
            name=name,
            description=description,
            logo_url=logo_url,
            ship_within_hours=ship_within_hours,
        )
    return shop, warnings
