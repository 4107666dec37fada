"""Deploy to a real scrapyd: the egg is accepted and a scheduled job crawls into an archive.

scrapyd runs in an interpreter that has the project's dependencies but not the project itself
(its packages are reachable only through the uploaded egg), started on a free port with its
own configuration directory, exactly as on a scrapyd host.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.demo.server import DemoServer
from crawler.demo.site import build_site
from storage import models as m
from storage.db import create_archive_engine

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
FAST = ("DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=0", "CONCURRENT_REQUESTS_PER_DOMAIN=8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bare_python(folder: Path) -> Path:
    """A virtualenv that sees the installed dependencies but not the project's packages."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    site = next((folder / "lib").glob("python*/site-packages"))
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return folder / "bin" / "python"


def api(base: str, endpoint: str, data: list[tuple[str, str]] | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data else None
    with urllib.request.urlopen(f"{base}/{endpoint}", data=body, timeout=10) as response:
        return json.load(response)


@pytest.fixture
def scrapyd(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    pytest.importorskip("scrapyd", reason="scrapyd is not installed (test extra)")
    if shutil.which("scrapyd-deploy", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("scrapyd-deploy is not installed (test extra)")
    python = bare_python(tmp_path / "venv")
    home = tmp_path / "scrapyd"
    home.mkdir()
    port = free_port()
    (home / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\npoll_interval = 0.5\n"
        "eggs_dir = eggs\nlogs_dir = logs\ndbs_dir = dbs\n"
    )
    base = f"http://127.0.0.1:{port}"
    with (home / "scrapyd.err").open("wb") as errors:
        process = subprocess.Popen(
            [str(python), "-m", "scrapyd"], cwd=home, stdout=subprocess.DEVNULL, stderr=errors
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                api(base, "daemonstatus.json")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("scrapyd did not start: " + (home / "scrapyd.err").read_text())
                time.sleep(0.2)
        yield base, home
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_scrapyd_accepts_the_egg_and_runs_a_crawl_into_an_archive(scrapyd, tmp_path):
    base, home = scrapyd
    egg = tmp_path / "healtharchive.egg"
    built = subprocess.run(
        [sys.executable, "-m", "crawler", "build-egg", "-o", str(egg)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    assert not (ROOT / "setup.py").exists() and not (ROOT / "build").exists()

    target = tmp_path / "deploy"
    target.mkdir()
    (target / "scrapy.cfg").write_text(
        f"[settings]\ndefault = crawler.settings\n\n[deploy]\nurl = {base}/\n"
        "project = healtharchive\n"
    )
    deploy = subprocess.run(
        [str(Path(sys.executable).parent / "scrapyd-deploy"), "--egg", str(egg), "-v", "1"],
        cwd=target,
        capture_output=True,
        text=True,
        check=False,
    )
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    assert json.loads(deploy.stdout)["spiders"] == 1

    db = tmp_path / "archive.db"
    with DemoServer(build_site()) as server:
        fields = [
            ("project", "healtharchive"),
            ("spider", "health"),
            ("start_urls", server.url + "/"),
            ("setting", f"ARCHIVE_URL=sqlite:///{db}"),
        ]
        fields += [("setting", pair) for pair in FAST]
        job = api(base, "schedule.json", fields)
        assert job["status"] == "ok", job
        deadline = time.monotonic() + 240
        while True:
            jobs = api(base, "listjobs.json?project=healtharchive")
            if any(j["id"] == job["jobid"] for j in jobs["finished"]):
                break
            assert time.monotonic() < deadline, jobs
            time.sleep(0.5)

    log = (home / "logs" / "healtharchive" / "health" / f"{job['jobid']}.log").read_text()
    assert "Traceback" not in log, log[-3000:]
    assert " ERROR: " not in log
    engine = create_archive_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        articles = session.scalar(select(func.count()).select_from(m.Article))
        runs = list(session.scalars(select(m.CrawlRun)))
    engine.dispose()
    assert articles and articles > 100
    assert [run.status for run in runs] == ["finished"]
