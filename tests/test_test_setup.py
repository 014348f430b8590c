"""The test set-up itself: what parallel runs (pytest-xdist) and kept databases rely on."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db(transaction=True)
def test_the_flush_that_ends_a_transactional_test_leaves_the_regions_in_place():
    from wanshang.fulfillment.services import regions_ensure_loaded

    call_command(
        "flush", interactive=False, verbosity=0
    )  # what pytest-django does after a transactional test

    assert regions_ensure_loaded() == 0  # nothing to add: the flush's post_migrate reloaded them
