from __future__ import annotations

import pytest

from tests.channels.integrator import integrator  # noqa: F401 (a fixture, for every channel test)
from tests.channels.standin import StandIn, start_stand_in


@pytest.fixture
def stand_in() -> StandIn:
    server = start_stand_in()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _quick_retries(settings):
    settings.TRECKK_OUTBOX_FIRST_RETRY_SECONDS = 30
    settings.TRECKK_HTTP_TIMEOUT_SECONDS = 2
