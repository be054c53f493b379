"""`python manage.py screenshots`: PNGs of each demo role's landing page at 1280 and 375 px.

Run it on a database with the demo world (`manage.py seed_demo`); it serves the portal on a loopback
port of its own (or uses --base-url), logs in as each demo user with DEMO_PASSWORD in Debian's
chromium, and saves docs/screens/<user>-<width>.png (plus the login page). Refresh the images when
pages change: `python manage.py screenshots`.
"""

import os
import threading
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management.base import BaseCommand, CommandError
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application

from plans.demo import DEMO_USERS

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
WIDTHS = {1280: 800, 375: 812}


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class Command(BaseCommand):
    help = "Gemmer skærmbilleder af hver demorolles forside i 1280 og 375 px (docs/screens/)."

    def add_arguments(self, parser):
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "docs" / "screens"))
        parser.add_argument("--base-url", help="Brug en kørende portal i stedet for at starte en.")
        parser.add_argument("--user", action="append", help="Kun denne demobruger (kan gentages).")

    def handle(self, *args, out, base_url, user, **options):
        if not Path(CHROMIUM).exists():
            raise CommandError(f"{CHROMIUM} findes ikke; scripts/setup.sh --test installerer Debians chromium")
        from playwright.sync_api import sync_playwright

        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the server thread uses the ORM
        out_dir = Path(out)
        out_dir.mkdir(parents=True, exist_ok=True)
        server = None
        if not base_url:
            server = ThreadedWSGIServer(("127.0.0.1", 0), _QuietHandler, allow_reuse_address=False)
            server.set_app(StaticFilesHandler(get_wsgi_application()))
            threading.Thread(target=server.serve_forever, daemon=True).start()
            base_url = f"http://127.0.0.1:{server.server_port}"
        usernames = user or list(DEMO_USERS)
        saved = []
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
                try:
                    for width, height in WIDTHS.items():
                        page = browser.new_page(locale="da-DK", viewport={"width": width, "height": height})
                        page.goto(f"{base_url}/login/")
                        saved.append(self._save(page, out_dir / f"login-{width}.png"))
                        page.close()
                    for username in usernames:
                        for width, height in WIDTHS.items():
                            context = browser.new_context(locale="da-DK", viewport={"width": width, "height": height})
                            page = context.new_page()
                            page.goto(f"{base_url}/login/")
                            page.fill("input[name=username]", username)
                            page.fill("input[name=password]", settings.DEMO_PASSWORD)
                            page.click("main button[type=submit]")
                            page.wait_for_load_state("networkidle")
                            if "/login/" in page.url:
                                raise CommandError(f"{username} kunne ikke logge ind; er demoverdenen oprettet?")
                            saved.append(self._save(page, out_dir / f"{username}-{width}.png"))
                            context.close()
                finally:
                    browser.close()
        finally:
            if server:
                server.shutdown()
                server.server_close()
        for path in saved:
            self.stdout.write(str(path))

    def _save(self, page, path: Path) -> Path:
        page.evaluate("document.fonts.ready.then(() => true)")
        page.screenshot(path=str(path))
        return path
