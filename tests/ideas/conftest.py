from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_rate_limits():
    # The cache is Redis (REDIS_URL: this run's own database), where the rate limit counts.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client
