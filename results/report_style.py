"""How the report looks: series styles that no two lines of a figure share,
and numbers as a reader takes them in (SI prefixes, 3 significant digits).

Colours are Okabe and Ito's palette (Color Universal Design, 2002), which
stays apart under the common colour-vision deficiencies, less its yellow,
too faint for a thin line on white.  Series i of a figure takes colour i
mod 7, marker i mod 8 and line style i mod 3: the three periods have no
common factor, so the first 7 x 8 x 3 = 168 series of a figure differ in
their (colour, marker, style), the first 7 in colour alone, and two series
of one colour always differ in marker too.
"""
import math

OKABE_ITO = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#D55E00", "#0072B2", "#CC79A7")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINESTYLES = ("-", "--", ":")
DISTINCT_STYLES = len(OKABE_ITO) * len(MARKERS) * len(LINESTYLES)

# The gray the oversubscribed region is shaded with (not a series colour).
OVERSUBSCRIBED_SHADE = "0.88"


def series_styles(labels):
    """{label: {color, marker, linestyle}} for the labels of one figure, in
    their given order; past DISTINCT_STYLES the figure is refused, never
    drawn with two lines alike."""
    labels = list(labels)
    if len(labels) > DISTINCT_STYLES:
        raise ValueError(f"{len(labels)} series in one figure; at most {DISTINCT_STYLES} can be told apart")
    return {label: {"color": OKABE_ITO[i % len(OKABE_ITO)], "marker": MARKERS[i % len(MARKERS)],
                    "linestyle": LINESTYLES[i % len(LINESTYLES)]}
            for i, label in enumerate(labels)}


SI_PREFIXES = ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1.0, ""), (1e-3, "m"), (1e-6, "u"), (1e-9, "n"))


def missing(v):
    return v is None or (isinstance(v, float) and math.isnan(v))


def si(v, unit=""):
    """3 significant digits and an SI prefix: 28700000 -> '28.7 M'."""
    if missing(v):
        return "-"
    if v == 0:
        return f"0 {unit}".strip()
    for scale, prefix in SI_PREFIXES:
        if abs(v) >= scale * 0.9995 or scale == SI_PREFIXES[-1][0]:
            # From 0.9995 of a prefix up: 999.7 reads 1 k, not 1e+03.
            return f"{v / scale:.3g} {prefix}{unit}".strip()


def si_interval(lo, hi, unit=""):
    """'[27.1, 29.0] M' when both ends share a prefix, else each end with its own."""
    if missing(lo) or missing(hi):
        return ""
    a, b = si(lo, unit), si(hi, unit)
    pa, pb = a.split(" ", 1), b.split(" ", 1)
    if len(pa) == 2 and len(pb) == 2 and pa[1] == pb[1]:
        return f"[{pa[0]}, {pb[0]}] {pa[1]}"
    return f"[{a}, {b}]"


def plain3(v):
    """3 significant digits without an exponent: 1.30, 0.0000118, 1234."""
    if missing(v) or v == 0 or math.isinf(v):
        return "-" if missing(v) else str(v)
    return f"{v:.{max(0, 2 - math.floor(math.log10(abs(v))))}f}"


def ratio_text(r):
    return "-" if missing(r) else f"{plain3(r)}x"


def ratio_interval_text(lo, hi):
    return "" if missing(lo) or missing(hi) else f"[{plain3(lo)}, {plain3(hi)}]"


def p_text(p):
    if missing(p):
        return "-"
    return f"{p:.2g}" if p >= 0.001 else "< 0.001"
