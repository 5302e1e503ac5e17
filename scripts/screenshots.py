"""Screenshots of the dashboard for the README, taken on the demo's day in the system Chromium.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from playwright.sync_api import sync_playwright

from ledgerbridge.demo.run import Server, free_port
from ledgerbridge.service import access
from ledgerbridge.store.database import Database

PAGES = {
    "overview": "/ui/",
    "events": "/ui/events",
    "trial-balance": "/ui/journal",
    "reconciliation": "/ui/reconcile",
    "close": "/ui/close?period={month}",
    "event": None,
}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="docs/screenshots")
    out = Path(ap.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        command = [str(Path(sys.executable).parent / "ledgerbridge"), "demo", "--directory", folder]
        subprocess.run(command, check=True, capture_output=True)  # noqa: S603
        db = Database(f"sqlite:///{folder}/demo.db")
        access.create_user(db, "screenshots", "screenshots-only-password", "admin")
        month = f"{date.today():%Y-%m}"
        with Server(db, free_port()) as server, sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 820})
            page.goto(server.url + "/ui/login")
            page.fill("#login-password input[name=username]", "screenshots")
            page.fill("#login-password input[name=password]", "screenshots-only-password")
            page.click("#login-password button")
            page.wait_for_url(server.url + "/ui/")
            for name, path in PAGES.items():
                if path is None:
                    page.goto(server.url + "/ui/events?source=shopify")
                    page.click("#events tbody tr:first-child a")
                else:
                    page.goto(server.url + path.format(month=month))
                page.screenshot(path=str(out / f"{name}.png"))
                print(out / f"{name}.png")  # noqa: T201
            browser.close()
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
