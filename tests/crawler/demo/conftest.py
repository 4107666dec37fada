from __future__ import annotations

import pytest

from crawler.demo.site import DemoSite, build_site


@pytest.fixture(scope="session")
def site() -> DemoSite:
    return build_site()


@pytest.fixture(scope="session")
def site2() -> DemoSite:
    return build_site(edition=2)
