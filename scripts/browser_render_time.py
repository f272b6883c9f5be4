"""Time how long headless Chromium takes to open and draw an interactive embviz HTML file.

    python3 scripts/browser_render_time.py target/embviz/interactive_map/map.html [--runs 3]

Copies the page with a small script appended that waits for the plot and its next
animation frame, then opens the copy from disk with the network blocked. Prints, per run,
the wall time of the browser process (start, parse, draw, exit) and the in-page time from
navigation start to the drawn plot, and the file size. Needs only the standard library and
a `chromium` on the path (or CHROMIUM=/path/to/chromium).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-quic", "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9", "--window-size=1200,800",
    "--virtual-time-budget=60000", "--dump-dom",
]

PROBE = """<script>
window.addEventListener("load", async () => {
  const element = document.getElementById("embviz-plot");
  await element.embvizReady;
  await new Promise((resolve) => setTimeout(resolve, 0));
  const out = document.createElement("textarea");
  out.id = "embviz-timing";
  out.textContent = JSON.stringify({
    drawnMs: performance.now(),
    points: element.data.reduce((sum, trace) => sum + trace.x.length, 0),
    canvases: element.querySelectorAll("canvas").length,
  });
  document.body.appendChild(out);
});
</script>
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    browser = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not browser:
        raise SystemExit("no chromium on the path; set CHROMIUM")
    page = open(args.html, encoding="utf-8").read()
    end = page.rfind("</body>")
    work = tempfile.mkdtemp(prefix="embviz-render-")
    probe_path = os.path.join(work, "probe.html")
    with open(probe_path, "w", encoding="utf-8") as f:
        f.write(page[:end] + PROBE + page[end:])
    size_mb = os.path.getsize(args.html) / 1e6
    print(f"{args.html}: {size_mb:.1f} MB")
    for run in range(args.runs):
        profile = os.path.join(work, f"profile-{run}")
        started = time.perf_counter()
        done = subprocess.run(
            [browser, *FLAGS, f"--user-data-dir={profile}", "file://" + probe_path],
            capture_output=True, text=True, check=False,
        )
        wall = time.perf_counter() - started
        match = re.search(r'<textarea id="embviz-timing">(.*?)</textarea>', done.stdout, re.S)
        if not match:
            raise SystemExit("the plot was not drawn:\n" + done.stderr[-2000:])
        timing = json.loads(match.group(1).replace("&quot;", '"'))
        print(
            f"run {run + 1}: browser process {wall:.2f} s, page drawn after "
            f"{timing['drawnMs'] / 1000:.2f} s, {timing['points']} points, "
            f"{timing['canvases']} canvases"
        )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
