import io

import pytest
from PIL import Image, ImageDraw

from wanshang.merchants.tests.conftest import make_staff  # noqa: F401


def framed_jpeg(size=(1000, 1000), *, background=(255, 255, 255), item=(200, 40, 40)) -> bytes:
    """A product shot: a coloured item in the middle of a background."""
    image = Image.new("RGB", size, background)
    w, h = size
    ImageDraw.Draw(image).rectangle((w // 4, h // 4, 3 * w // 4, 3 * h // 4), fill=item)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


@pytest.fixture
def upload():
    from wanshang.media.services import image_upload

    def make(shop, **kw):
        return image_upload(shop=shop, file=framed_jpeg(**kw), purpose="main")

    return make


@pytest.fixture
def owner(client, shop):
    client.force_login(shop.owner)
    return client
