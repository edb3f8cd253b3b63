# The report page as a reader gets it.  A small sweep of four workloads
# (14 lock primitives, so that the lock figures fall into family panels; 4
# threads on this VM, so that some of it is oversubscribed; atomic's
# layouts, ring's handoffs, pingpong on PU pairs), rendered by plot.py and
# loaded by headless Chromium (Debian's chromium) from disk with no network:
# every figure loads, has a caption and alt text, no two series of a figure
# share colour, marker and line style, the summary holds every configuration
# of the sweep, the page's ratios and p-values are compare --pair's, and the
# screenshot shows a page, not a blank.
. "$(dirname "$0")/lib.sh"

browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || fail "chromium is missing (./run.sh test installs it)"
"$PYTHON" -c "import matplotlib, pandas" 2>/dev/null ||
	fail "python3-matplotlib or python3-pandas is missing (./run.sh test installs them)"

sweep=$scratch/sweep
mkdir "$sweep"
quick=(--duration 0.01 --warmup 0 --reps 6 --events none --interleave 0)
"$BIN" run --bench lock --prim pthread-mutex,pthread-spin,tas,ttas,ticket,ticket-prop,mcs,clh,gomutex,gomutex-normal,gomutex-fifo,ck-ticket,ck-mcs,ck-fas \
	--threads 1,2,4 --set cs=20 --set ncs=0 "${quick[@]}" --out "$sweep/lock.json" >/dev/null 2>&1 ||
	fail "the lock sweep failed"
"$BIN" run --bench atomic --threads 1,2 --set op=faa,cas --set layout=shared,padded,packed "${quick[@]}" \
	--out "$sweep/atomic.json" >/dev/null 2>&1 || fail "the atomic sweep failed"
"$BIN" run --bench ring --prim gochan --threads 3 --set handoff=chan,futex,spin "${quick[@]}" \
	--out "$sweep/ring.json" >/dev/null 2>&1 || fail "the ring sweep failed"
"$BIN" run --bench pingpong --threads 2 --placement pairs "${quick[@]}" \
	--out "$sweep/pingpong.json" >/dev/null 2>&1 || fail "the pingpong sweep failed"

"$PYTHON" "$(dirname "$0")/../results/plot.py" "$sweep" --out "$scratch/report" >/dev/null ||
	fail "plot.py failed"
"$BIN" export --format jsonl --level config "$sweep" >"$scratch/configs.jsonl"

# The page with a probe appended: once loaded, it writes whether each image
# decoded into the DOM that --dump-dom prints.  The report itself has no script.
probe="<script>addEventListener('load',()=>{document.body.setAttribute('data-images',"
# (No ampersand in it: sed's replacement would read one as the matched text.)
probe+="JSON.stringify([...document.images].map(i=>[i.getAttribute('src'),i.complete?i.naturalWidth>0:false])))})</script>"
sed "s#</body>#$probe</body>#" "$scratch/report/index.html" >"$scratch/report/probe.html"
# Flags as for any headless run on a closed machine: no sandbox as root, no
# GPU, and none of the background connections the network would refuse.
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
	--disable-component-update --disable-sync --user-data-dir="$scratch/profile" --virtual-time-budget=20000)
timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$scratch/report/probe.html" >"$scratch/dom.html" \
	2>/dev/null || fail "chromium could not load the page"
timeout 120 "$browser" "${flags[@]}" --window-size=1280,2400 --screenshot="$scratch/page.png" \
	"file://$scratch/report/index.html" >/dev/null 2>&1 || fail "chromium could not render index.html"
[ -s "$scratch/page.png" ] || fail "chromium wrote no screenshot"
[ -z "${PAGE_SHOTS:-}" ] || cp "$scratch/page.png" "$scratch/report/index.html" "$PAGE_SHOTS/"

"$PYTHON" - "$scratch" "$BIN" "$(dirname "$0")/../results" <<'PY'
import html.parser, json, subprocess, sys
import matplotlib.image as mpimg
scratch, binary, results = sys.argv[1:]
sys.path.insert(0, results)
import report_stats
import report_style

# Numbers as the tables write them, and styles that run out loudly, never alike.
for v, unit, want in ((28_700_000, "/s", "28.7 M/s"), (999.7, "", "1 k"), (45.6e-9, "s", "45.6 ns"),
                      (0.5, "", "500 m"), (None, "", "-")):
    assert report_style.si(v, unit) == want, f"si({v}, {unit!r}) = {report_style.si(v, unit)!r}, not {want!r}"
assert report_style.si_interval(27.1e6, 29.04e6, "/s") == "[27.1, 29] M/s"
many = report_style.series_styles(range(report_style.DISTINCT_STYLES))
assert len({tuple(s.values()) for s in many.values()}) == report_style.DISTINCT_STYLES
assert len({many[i]["color"] for i in range(7)}) == 7
try:
    report_style.series_styles(range(report_style.DISTINCT_STYLES + 1))
    raise AssertionError("more series than styles were given styles")
except ValueError:
    pass

manifest = json.load(open(f"{scratch}/report/figures/report.json"))
figures = manifest["figures"]
names = {f["name"] for f in figures}
for want in ("throughput-lock", "normalized-lock", "fairness-lock", "latency-p99-lock", "throughput-atomic",
             "throughput-ring", "pairs-pingpong"):
    assert want in names, f"no figure {want} (drawn: {sorted(names)})"
assert "throughput-pingpong" not in names, "pingpong on pairs drawn as lines: the pairs are a heat map only"

# No two series of one figure alike, and the lock figure in family panels.
for f in figures:
    styles = [(s["color"], s["marker"], s["linestyle"]) for s in f["series"]]
    assert len(styles) == len(set(styles)), f"{f['name']}: two series share colour, marker and style"
    assert f["caption"].strip() and f["alt"].strip() and f["alt"] != f["png"], f"{f['name']}: no caption or alt"
lock = next(f for f in figures if f["name"] == "throughput-lock")
assert len(lock["series"]) == 14 and any("queue locks" in p for p in lock["panels"]), \
    f"throughput-lock: 14 primitives not in family panels: {lock['panels']}"
atomic = next(f for f in figures if f["name"] == "throughput-atomic")
assert {s["label"].split(" (")[0] for s in atomic["series"]} == {"layout=shared", "layout=padded", "layout=packed"}, \
    f"throughput-atomic: the layouts are not its lines: {atomic['series']}"


class Dom(html.parser.HTMLParser):
    """figures with their img alt and caption text; the summary's rows; the images' load probe."""
    def __init__(self):
        super().__init__()
        self.figures, self.rows, self.images, self.stack, self.in_summary = [], [], None, [], False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body" and "data-images" in a:
            self.images = json.loads(a["data-images"])
        if tag == "section":
            self.in_summary = a.get("id") == "summary"
        if tag == "figure":
            self.figures.append({"alt": None, "caption": ""})
        if tag == "img" and self.figures:
            self.figures[-1]["alt"] = a.get("alt")
            self.figures[-1]["src"] = a.get("src")
        if tag == "tr" and self.in_summary and "data-config" in a:
            self.rows.append((a["data-host"], a["data-config"]))
        self.stack.append(tag)

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data):
        if "figcaption" in self.stack and self.figures:
            self.figures[-1]["caption"] += data


dom = Dom()
dom.feed(open(f"{scratch}/dom.html").read())
assert dom.images is not None, "the load probe did not run: the page did not finish loading"
broken = [src for src, ok in dom.images if not ok]
assert not broken, f"images that did not load: {broken}"
assert {f["src"] for f in dom.figures} == {f["png"] for f in figures} and len(dom.figures) == len(figures), \
    "the page's figures are not the manifest's"
for f in dom.figures:
    assert f["alt"] and f["alt"].strip() and f["caption"].strip(), f"{f['src']}: no alt text or caption on the page"

configs = [json.loads(line) for line in open(f"{scratch}/configs.jsonl")]
want = {(c["host"], c["config"]) for c in configs}
assert set(dom.rows) == want and len(dom.rows) == len(want), \
    f"the summary misses {sorted(want - set(dom.rows))[:3]} or has extra {sorted(set(dom.rows) - want)[:3]}"

# The page's statistics are compare's: ratio, bootstrap interval and p of ttas against pthread-mutex.
pair = json.loads(subprocess.run([binary, "compare", "--pair", "pthread-mutex=ttas", "--format", "json",
                                  f"{scratch}/sweep"], check=True, capture_output=True, text=True).stdout)
reps = [json.loads(line) for line in subprocess.run(
    [binary, "export", "--format", "jsonl", "--bench", "lock", "--prim", "pthread-mutex,ttas", f"{scratch}/sweep"],
    check=True, capture_output=True, text=True).stdout.splitlines()]
for c in pair["comparisons"]:
    threads = int(c["configuration"].split(" | ")[2].split()[1])
    side = {p: [r["ops_per_s"] for r in reps if r["prim"] == p and r["threads"] == threads]
            for p in ("pthread-mutex", "ttas")}
    lo, hi = report_stats.ratio_interval(side["pthread-mutex"], side["ttas"])
    p = report_stats.mann_whitney_p(side["pthread-mutex"], side["ttas"])
    for name, mine, theirs in (("lo", lo, c["ratio_ci95_lo"]), ("hi", hi, c["ratio_ci95_hi"]), ("p", p, c["p"])):
        assert abs(mine - theirs) <= 1e-6 * abs(theirs), f"{c['configuration']}: {name} {mine} here, {theirs} in compare"

img = mpimg.imread(f"{scratch}/page.png")[:, :, :3]
distinct = len({tuple((p * 255).astype(int)) for p in img[::7, ::7].reshape(-1, 3)})
inked = float((img.mean(axis=2) < 0.9).mean())
assert distinct > 50 and inked > 0.01, f"screenshot looks blank: {distinct} colours, {inked:.3%} inked"
print(f"index.html: {len(figures)} figures loaded in headless Chromium, each with a caption and alt text, no two "
      f"series alike; the summary holds all {len(want)} configurations; compare --pair's ratios and p match "
      f"({len(pair['comparisons'])} rows); screenshot {img.shape[1]}x{img.shape[0]}, {distinct} colours")
PY
