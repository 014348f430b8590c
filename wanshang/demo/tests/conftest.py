import pytest
from django.test import override_settings


@pytest.fixture(scope="module", autouse=True)
def demo_media_root(tmp_path_factory):
    """Loading the demo writes product pictures through the default storage: keep them out of var/media.
    Module-scoped, because test_load_demo loads the demo once per module, before the per-test MEDIA_ROOT of
    the root conftest applies; a test that reads the pictures back points MEDIA_ROOT here."""
    root = str(tmp_path_factory.mktemp("media"))
    with override_settings(MEDIA_ROOT=root):
        yield root
