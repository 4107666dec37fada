"""Scheduled crawls: a crawl refuses to overlap a running crawl of the same site and records it,
however it was started (``crawl --lock``, plain ``crawl``, ``scrapy crawl`` as scrapyd runs it);
a killed crawl leaves no stale lock, and every run's exit state is in crawl_runs."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.demo.server import DemoServer
from crawler.demo.site import build_site
from storage import models as m
from storage.db import create_archive_engine
from storage.locks import crawl_lock

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def start_crawl(base: str, db: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", "crawl", base + "/", "--db", db, "--lock",
         "-s", "DOWNLOAD_TIMEOUT=30"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def runs(db: str) -> list[m.CrawlRun]:
    engine = create_archive_engine(db)
    with Session(engine) as session:
        found = list(session.scalars(select(m.CrawlRun).order_by(m.CrawlRun.id)))
    engine.dispose()
    return found


def wait_running(db: str, count: int) -> None:
    deadline = time.monotonic() + 60
    while sum(run.status == "running" for run in runs(db)) < count:
        assert time.monotonic() < deadline, "the crawl never started"
        time.sleep(0.2)


def test_overlapping_run_is_refused_and_recorded(tmp_path):
    db = f"sqlite:///{tmp_path / 'archive.db'}"
    create_archive_engine(db).dispose()
    with DemoServer(build_site(), slow_delay=6) as server:
        first = start_crawl(server.url, db)
        wait_running(db, 1)
        second = start_crawl(server.url, db)
        _, err = second.communicate(timeout=120)
        _, first_err = first.communicate(timeout=240)
    assert second.returncode == 1
    assert "another crawl of 'hosts:127.0.0.1' is running" in err
    assert "recorded as 'overlap'" in err
    assert first.returncode == 0, first_err[-3000:]
    statuses = [(run.status, run.stats.get("exit_status")) for run in runs(db)]
    assert statuses == [("finished", 0), ("overlap", 1)]


def test_a_killed_crawl_leaves_no_stale_lock(tmp_path):
    db = f"sqlite:///{tmp_path / 'archive.db'}"
    create_archive_engine(db).dispose()
    with DemoServer(build_site(), slow_delay=6) as server:
        killed = start_crawl(server.url, db)
        wait_running(db, 1)
        os.kill(killed.pid, signal.SIGKILL)
        killed.communicate(timeout=30)
        after = start_crawl(server.url, db)
        out, err = after.communicate(timeout=240)
    assert after.returncode == 0, err[-3000:]
    assert "crawl run #1 ended without finishing: marked 'killed'" in out
    assert [run.status for run in runs(db)] == ["killed", "finished"]


CRON_LINE = re.compile(r"```cron\n(.+?)\n```", re.DOTALL)


def test_documented_cron_line_pastes_and_runs(tmp_path):
    """The line from docs/operations.md, run as cron would: ``sh -c``, a bare environment."""
    (line,) = CRON_LINE.findall((ROOT / "docs" / "operations.md").read_text())
    assert "\n" not in line and "\\" not in line and "%" not in line
    fields = line.split(None, 5)
    assert len(fields) == 6 and all(re.fullmatch(r"[\d*/,-]+", f) for f in fields[:5])
    app, archive, logs = tmp_path / "app", tmp_path / "archive", tmp_path / "log"
    for folder in (app / ".venv" / "bin", app / "sites", archive, logs):
        folder.mkdir(parents=True)
    (app / ".venv" / "bin" / "healtharchive").symlink_to(
        Path(sys.executable).with_name("healtharchive")
    )
    command = (
        fields[5]
        .replace("/srv/healtharchive", str(app))
        .replace("/srv/archive", str(archive))
        .replace("/var/log/healtharchive", str(logs))
    )
    profile = re.search(r"--profile (\S+)", command)
    assert profile is not None
    with DemoServer(build_site(), slow_delay=0.5) as server:
        (app / profile.group(1)).write_text(f'start_urls = ["{server.url}/"]\n')
        result = subprocess.run(
            ["/bin/sh", "-c", command],
            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SHELL": "/bin/sh"},
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
    summary = (logs / "summary.log").read_text()
    assert result.returncode == 0, summary[-3000:]
    assert "(finished)" in summary
    assert (logs / "crawl.log").stat().st_size > 0
    (run,) = runs(f"sqlite:///{archive / 'archive.db'}")
    assert (run.status, run.stats["exit_status"]) == ("finished", 0)


FRONT_DOORS = {
    "scrapy crawl": lambda base, db: [
        sys.executable, "-m", "scrapy", "crawl", "health", "-a", f"start_urls={base}/",
        "-s", f"ARCHIVE_URL={db}",
    ],
    "healtharchive crawl": lambda base, db: [
        sys.executable, "-m", "crawler", "crawl", base + "/", "--db", db,
    ],
}  # fmt: skip


@pytest.mark.parametrize("door", FRONT_DOORS)
def test_every_way_of_crawling_takes_the_site_lock(tmp_path, door):
    """Another holder of the site's lock: nothing is requested, the run is on record as
    ``overlap``, and the refusal is one error line, not a traceback."""
    db = f"sqlite:///{tmp_path / 'archive.db'}"
    engine = create_archive_engine(db)
    with DemoServer(build_site()) as server:
        with crawl_lock(engine, "hosts:127.0.0.1"):
            refused = subprocess.run(
                FRONT_DOORS[door](server.url, db),
                cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
            )  # fmt: skip
            requested = list(server.requested_paths)
        after = subprocess.run(
            FRONT_DOORS[door](server.url, db),
            cwd=ROOT, capture_output=True, text=True, timeout=240, check=False,
        )  # fmt: skip
    engine.dispose()
    assert requested == []
    message = (
        "another crawl of 'hosts:127.0.0.1' is running on this archive; "
        "not started (run #1 recorded as 'overlap')"
    )
    logged = [line for line in refused.stderr.splitlines() if "ERROR: " + message in line]
    assert len(logged) == 1, refused.stderr[-3000:]
    assert "Traceback" not in refused.stderr
    if door == "healtharchive crawl":
        assert refused.returncode == 1
        assert refused.stderr.splitlines()[-1] == "error: " + message
    assert after.returncode == 0, after.stderr[-3000:]
    found = runs(db)
    assert [run.status for run in found] == ["overlap", "finished"]
    assert found[0].stats["lock"] == "hosts:127.0.0.1"
