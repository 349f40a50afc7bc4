#!/usr/bin/env bash
# Opens a SiameseKit report in headless Chromium, saves a screenshot, and fails on console errors (the report has no
# script, so any console message — a blocked or failed resource, a parse problem — is an error), on a missing section,
# or on an empty plot (an <svg class="plot"> without data marks).
#
#   scripts/check-report.sh REPORT.html [SCREENSHOT.png]
#
# Environment: REPORT_WIDTH (default 1280), REPORT_HEIGHT (default 5200) for the screenshot's window.
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ]; then echo "usage: $0 REPORT.html [SCREENSHOT.png]" >&2; exit 2; fi
report=$1
shot=${2:-${report%.html}.png}
[ -f "$report" ] || { echo "check-report: $report: no such file" >&2; exit 1; }
command -v python3 >/dev/null 2>&1 || { echo "check-report: python3 is needed to read the DOM" >&2; exit 1; }

browser=""
for b in chromium chromium-browser; do command -v "$b" >/dev/null 2>&1 && { browser=$b; break; }; done
if [ -z "$browser" ]; then
  echo "check-report: installing Debian's chromium" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  browser=chromium
fi

abs=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions --disable-dev-shm-usage
       --user-data-dir="$work/profile" --enable-logging=stderr --v=0)

# 1. The DOM after loading, with the console on stderr.
timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$abs" >"$work/dom.html" 2>"$work/dom.log" || {
  echo "check-report: $browser could not load $report" >&2; cat "$work/dom.log" >&2; exit 1; }
# 2. The screenshot.
mkdir -p "$(dirname "$shot")"
timeout 120 "$browser" "${flags[@]}" --screenshot="$shot" --window-size="${REPORT_WIDTH:-1280},${REPORT_HEIGHT:-5200}" \
  "file://$abs" >"$work/shot.out" 2>"$work/shot.log" || { echo "check-report: no screenshot" >&2; cat "$work/shot.log" >&2; exit 1; }
[ -s "$shot" ] || { echo "check-report: the screenshot $shot is empty" >&2; exit 1; }

status=0
if grep -h "CONSOLE" "$work/dom.log" "$work/shot.log" >"$work/console.txt"; then
  echo "check-report: console messages while loading $report:" >&2
  cat "$work/console.txt" >&2
  status=1
fi

python3 - "$work/dom.html" <<'PY' || status=1
import sys
from html.parser import HTMLParser

SECTIONS = ["summary", "training", "roc", "precision-recall", "distances", "few-shot", "retrieval", "embedding", "mistakes"]

class DOM(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.plots, self.depth, self.current = set(), [], 0, None
        self.closed_html = False
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a: self.ids.add(a["id"])
        if tag == "svg":
            if self.depth == 0:
                self.current = {"title": "", "marks": 0, "section": self.section}
                self.plots.append(self.current)
            self.depth += 1
        elif self.depth and "mark" in (a.get("class") or "").split():
            self.current["marks"] += 1
        if tag == "section": self.section = a.get("id", "?")
    def handle_endtag(self, tag):
        if tag == "svg" and self.depth:
            self.depth -= 1
        if tag == "html": self.closed_html = True
    section = "?"

dom = DOM()
dom.feed(open(sys.argv[1], encoding="utf-8").read())
problems = [f"section #{s} is missing" for s in SECTIONS if s not in dom.ids]
problems += [f"an empty plot in #{p['section']} (no data marks)" for p in dom.plots if p["marks"] == 0]
if not dom.plots: problems.append("no plots at all")
for p in problems: print("check-report: " + p, file=sys.stderr)
print(f"check-report: {len(SECTIONS) - sum('missing' in p for p in problems)}/{len(SECTIONS)} sections, "
      f"{len(dom.plots)} plots, {sum(p['marks'] for p in dom.plots)} marks", file=sys.stderr)
sys.exit(1 if problems else 0)
PY

if [ $status -ne 0 ]; then echo "check-report: FAILED: $report" >&2; exit 1; fi
echo "check-report: ok: $report (screenshot $shot)"
