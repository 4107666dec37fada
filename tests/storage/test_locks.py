"""The crawl lock on both backends: exclusive per name, free again once its holder is gone."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from storage.db import create_archive_engine
from storage.locks import LockHeld, crawl_lock


def test_one_holder_per_name_and_released_after(archive_url):
    first, second = create_archive_engine(archive_url), create_archive_engine(archive_url)
    try:
        with crawl_lock(first, "site-a"):
            with pytest.raises(LockHeld, match="site-a"), crawl_lock(second, "site-a"):
                pass
            with crawl_lock(second, "site-b"):
                pass
        with crawl_lock(second, "site-a"):
            pass
    finally:
        first.dispose()
        second.dispose()


HOLD = """
import sys, time
from storage.db import create_archive_engine
from storage.locks import crawl_lock
with crawl_lock(create_archive_engine(sys.argv[1]), "site-a"):
    print("held", flush=True)
    time.sleep(120)
"""


def test_lock_of_a_killed_holder_is_not_stale(archive_url):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, archive_url], stdout=subprocess.PIPE, text=True
    )
    engine = create_archive_engine(archive_url)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(LockHeld), crawl_lock(engine, "site-a"):
            pass
        holder.kill()
        holder.wait(timeout=10)
        deadline = time.monotonic() + 10
        while True:
            try:
                with crawl_lock(engine, "site-a"):
                    break
            except LockHeld:
                assert time.monotonic() < deadline, "lock still held after its holder was killed"
                time.sleep(0.1)
    finally:
        holder.kill()
        holder.wait(timeout=10)
        if holder.stdout:
            holder.stdout.close()
        engine.dispose()
