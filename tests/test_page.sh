# The report page as a person sees it: plot.py renders the checked-in
# fixture, headless Chromium (Debian's chromium) loads index.html from disk
# with no network, and the screenshot must show a page, not a blank.
. "$(dirname "$0")/lib.sh"

browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || fail "chromium is missing (./run.sh test installs it)"
"$PYTHON" -c "import matplotlib" 2>/dev/null || fail "python3-matplotlib is missing (./run.sh test installs it)"

"$PYTHON" "$(dirname "$0")/../results/plot.py" "$(dirname "$0")/../results/fixtures/a" \
	--out "$scratch/report" >/dev/null
# Flags as for any headless run on a closed machine: no sandbox as root, no
# GPU, and none of the background connections the network would refuse.
timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--user-data-dir="$scratch/profile" --window-size=1280,1600 \
	--screenshot="$scratch/page.png" "file://$scratch/report/index.html" >/dev/null 2>&1 ||
	fail "chromium could not render index.html"
[ -s "$scratch/page.png" ] || fail "chromium wrote no screenshot"

"$PYTHON" - "$scratch/page.png" <<'PY'
import sys
import matplotlib.image as mpimg
img = mpimg.imread(sys.argv[1])[:, :, :3]
height, width = img.shape[:2]
# A blank page is one colour; the report has text, tables and figures.
distinct = len({tuple((p * 255).astype(int)) for p in img[::7, ::7].reshape(-1, 3)})
inked = float((img.mean(axis=2) < 0.9).mean())
assert distinct > 50 and inked > 0.01, f"screenshot looks blank: {distinct} colours, {inked:.3%} inked"
print(f"index.html rendered in headless Chromium: {width}x{height}, {distinct} colours, {inked:.1%} inked")
PY
