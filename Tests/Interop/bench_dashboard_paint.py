"""Measures the dashboard's first paint on loopback (docs/BENCHMARKS.md): a server with two
weeks of seeded data, headless Chromium loading the page N times; prints the page size and
the median and worst first paint, first contentful paint and DOMContentLoaded, from the
browser's own performance timing.

    FLOWCOACH_BIN=.build/release/flowcoach .venv/bin/python Tests/Interop/bench_dashboard_paint.py [N]
"""
import statistics
import sys
import urllib.request

from cdp import Browser
from conftest import V1World
from dashboard_fixture import FIXTURE_ENV, seed_history
from test_dashboard import chromium

TIMING = """(() => {
  const paint = (name) => (performance.getEntriesByName(name)[0] || {}).startTime || -1;
  const nav = performance.getEntriesByType('navigation')[0];
  return [paint('first-paint'), paint('first-contentful-paint'), nav ? nav.domContentLoadedEventEnd : -1];
})()"""


def main(runs):
    world = V1World(teams={"core": [("alice", True), ("bob", False)]}, env=FIXTURE_ENV)
    browser = None
    try:
        seed_history(world, "alice")
        page = urllib.request.urlopen(f"http://127.0.0.1:{world.port}/").read()
        browser = Browser(chromium())
        url = f"http://127.0.0.1:{world.port}/#token={world.token('alice', 'read')}"
        samples = []
        for _ in range(runs + 1):
            browser.goto("about:blank")
            browser.wait_for("location.href === 'about:blank'")
            browser.goto(url)
            browser.wait_for("performance.getEntriesByName('first-contentful-paint').length > 0"
                             " && document.querySelectorAll('#days rect.bar').length > 0")
            samples.append(browser.evaluate(TIMING))
        samples = samples[1:]  # the first load also starts the browser's caches
        print(f"page: {len(page)} bytes ({len(page) / 1024:.1f} KiB) uncompressed, HTML+CSS+JS inline")
        for index, name in enumerate(("first-paint", "first-contentful-paint", "DOMContentLoaded")):
            values = [s[index] for s in samples]
            print(f"{name}: median {statistics.median(values):.1f} ms, worst {max(values):.1f} ms over {runs} loads")
    finally:
        if browser:
            browser.close()
        world.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
