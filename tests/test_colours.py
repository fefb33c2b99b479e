"""The optimizers' fixed colours stay distinguishable under the common colour-vision deficiencies,
and every optimizer's path can also be told apart without colour (issue 14).

The colours are read from slides/js/plots/style.js (OPTIMIZER_COLORS), not copied. Each
deficiency is simulated with the matrices of Machado, Oliveira & Fernandes (2009), "A
Physiologically-based Model for Simulation of Color Vision Deficiency", IEEE TVCG 15(6), at
severity 1.0 (dichromacy), applied to linear RGB; colours are compared with CIEDE2000. Every
optimizer can appear beside every other (the playground's tick boxes), so all pairs are checked."""

from __future__ import annotations

import itertools
import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STYLE = ROOT / "slides" / "js" / "plots" / "style.js"

# Least CIEDE2000 difference between two optimizers' colours, for normal vision and each
# simulated dichromacy. 10 is a difference seen at a glance on thin lines; the Okabe-Ito palette's
# closest pairs under dichromacy are 10.9 to 12.2 (normal vision: 21.7), which is why every path
# also has a dash pattern.
MIN_DELTA_E = 10.0

# Machado, Oliveira & Fernandes 2009, Table 1, severity 1.0 (rows act on linear [R, G, B]).
MACHADO_2009 = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}


def js_object(name: str) -> dict[str, str]:
    """A flat `export const NAME = {key: "value", ...};` of style.js as a dict."""
    text = STYLE.read_text(encoding="utf-8")
    block = re.search(r"export const %s = \{(.*?)\};" % re.escape(name), text, re.S)
    assert block, f"{name} not found in {STYLE}"
    return dict(re.findall(r'^\s*(\w+):\s*"([^"]*)"', block.group(1), re.M))


def srgb_to_linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def linear_to_srgb(c: float) -> float:
    c = min(1.0, max(0.0, c))
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def hex_to_rgb(colour: str) -> tuple[float, float, float]:
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", colour), colour
    return tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))


def simulate(rgb: tuple[float, float, float], deficiency: str | None) -> tuple[float, float, float]:
    """The sRGB colour as seen with `deficiency` (None: normal vision)."""
    if deficiency is None:
        return rgb
    linear = [srgb_to_linear(c) for c in rgb]
    matrix = MACHADO_2009[deficiency]
    return tuple(linear_to_srgb(sum(m * c for m, c in zip(row, linear))) for row in matrix)


def srgb_to_lab(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    r, g, b = (srgb_to_linear(c) for c in rgb)
    x = 0.4124564 * r + 0.3575761 * g + 0.1804375 * b
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = 0.0193339 * r + 0.1191920 * g + 0.9503041 * b
    white = (0.95047, 1.0, 1.08883)  # D65

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = (f(v / w) for v, w in zip((x, y, z), white))
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def ciede2000(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> float:
    """CIEDE2000 colour difference (Sharma, Wu & Dalal 2005), kL = kC = kH = 1."""
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar ** 7 / (c_bar ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dl = l2 - l1
    dc = c2p - c1p
    if c1p * c2p == 0:
        dh = 0.0
    elif abs(h2p - h1p) <= 180:
        dh = h2p - h1p
    elif h2p - h1p > 180:
        dh = h2p - h1p - 360
    else:
        dh = h2p - h1p + 360
    dH = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_bar = (l1 + l2) / 2
    cp_bar = (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        h_bar = (h1p + h2p + 360) / 2
    else:
        h_bar = (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(h_bar - 30)) + 0.24 * math.cos(math.radians(2 * h_bar))
         + 0.32 * math.cos(math.radians(3 * h_bar + 6)) - 0.20 * math.cos(math.radians(4 * h_bar - 63)))
    d_theta = 30 * math.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(cp_bar ** 7 / (cp_bar ** 7 + 25 ** 7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt((dl / s_l) ** 2 + (dc / s_c) ** 2 + (dH / s_h) ** 2 + r_t * (dc / s_c) * (dH / s_h))


def test_ciede2000_matches_sharmas_test_data():
    # Sharma, Wu & Dalal (2005), Table 1: pairs 1, 7, 17 and 25.
    assert ciede2000((50, 2.6772, -79.7751), (50, 0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    assert ciede2000((50, 0, 0), (50, -1, 2)) == pytest.approx(2.3669, abs=1e-4)
    assert ciede2000((50, 2.5, 0), (73, 25, -18)) == pytest.approx(27.1492, abs=1e-4)
    assert ciede2000((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387)) == pytest.approx(1.2644, abs=1e-4)


def test_machado_matrices_keep_grey_grey():
    # Each row sums to 1 (the paper's normalisation): a neutral grey is seen unchanged.
    for deficiency in MACHADO_2009:
        grey = simulate((0.5, 0.5, 0.5), deficiency)
        assert grey == pytest.approx((0.5, 0.5, 0.5), abs=2e-3), deficiency


@pytest.mark.parametrize("deficiency", [None, "protanopia", "deuteranopia", "tritanopia"])
def test_optimizer_colours_stay_apart(deficiency):
    colours = js_object("OPTIMIZER_COLORS")
    assert len(colours) == 8, colours
    seen = {name: srgb_to_lab(simulate(hex_to_rgb(c), deficiency)) for name, c in colours.items()}
    close = []
    for (a, lab_a), (b, lab_b) in itertools.combinations(seen.items(), 2):
        d = ciede2000(lab_a, lab_b)
        if d < MIN_DELTA_E:
            close.append(f"{a} {colours[a]} and {b} {colours[b]}: CIEDE2000 {d:.1f}")
    assert not close, f"{deficiency or 'normal vision'}: " + "; ".join(close)


def test_every_optimizer_has_its_own_dash_pattern():
    colours = js_object("OPTIMIZER_COLORS")
    dashes = js_object("OPTIMIZER_DASHES")
    assert set(dashes) == set(colours)
    assert len(set(dashes.values())) == len(dashes), dashes
    for name, dash in dashes.items():
        assert dash == "" or re.fullmatch(r"\d+(,\d+)+", dash), (name, dash)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_legend_shows_each_path_as_drawn():
    """legend_entries gives each run its optimizer's colour and dash and the path's width; the
    reference is the wide translucent grey line."""
    script = (
        'import {legend_entries} from "./slides/js/plots/trajectory.js";'
        'import {legend_scale} from "./slides/js/plots/readouts.js";'
        'import {OPTIMIZER_DASHES, OPTIMIZER_COLORS, PATH_WIDTH, REFERENCE_PATH_WIDTH} from "./slides/js/plots/style.js";'
        'const runs = Object.keys(OPTIMIZER_COLORS).map((o) => ({label: o, optimizer: o, result: {status: "completed"}}));'
        "const entries = legend_entries(runs, legend_scale(runs, {reference: true}), {reference: true});"
        "console.log(JSON.stringify({entries, dashes: OPTIMIZER_DASHES, colors: OPTIMIZER_COLORS, PATH_WIDTH, REFERENCE_PATH_WIDTH}));"
    )
    out = json.loads(subprocess.run(["node", "--input-type=module", "-e", script], cwd=ROOT, capture_output=True,
                                    text=True, check=True).stdout)
    entries = out["entries"]
    for entry in entries[:-1]:
        assert entry["dash"] == out["dashes"][entry["label"]]
        assert entry["color"] == out["colors"][entry["label"]]
        assert entry["width"] == out["PATH_WIDTH"] >= 3
    assert entries[-1]["label"] == "Python reference"
    assert entries[-1]["width"] == out["REFERENCE_PATH_WIDTH"] > out["PATH_WIDTH"] and entries[-1]["opacity"] < 1
