"""One Chromium for each module of map tests."""

import pytest

from tests.browser import chromium


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched
