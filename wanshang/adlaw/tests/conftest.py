import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wanshang.merchants.tests import conftest as merchants_fixtures

make_staff = merchants_fixtures.make_staff


@pytest.fixture
def pdf():
    """pdf(name="证明.pdf") → a small uploaded PDF (the content check reads its header)."""

    def make(name="证明.pdf", body=b"%PDF-1.4\n% evidence\n"):
        return SimpleUploadedFile(name, body, content_type="application/pdf")

    return make


@pytest.fixture
def approved_claim(operator, pdf):
    """approved_claim(shop, term, text, kind="statistic") → a claim filed by the shop and approved."""
    from wanshang.adlaw.services import claim_decide, claim_file

    def make(shop, term, text, kind="statistic", note="2025年华东地区线上销量，来源：第三方统计"):
        claim = claim_file(
            shop=shop, user=shop.owner, term=term, text=text, kind=kind, note=note, files=[pdf()]
        )
        return claim_decide(claim_id=claim.pk, reviewer=operator, approve=True, reason="证据充分")

    return make
