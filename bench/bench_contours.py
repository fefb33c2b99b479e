"""Benchmark of the contour layer (slides/js/plots/contours.js contour_layer) in the harness's
offline Chromium, on the rendered site, optionally side by side with another render:

    python bench/bench_contours.py [--site _site] [--baseline-site DIR] [--samples 40] [--cpu-throttle 4]

A slider that changes a surface (the condition number of "Try it: conditioning", the Hessian's
eigenvalues) redraws this layer, so it is what such a slider adds to its frame. Each sample builds
the layer for a new surface (the ill-conditioned quadratic with a condition number from 1 to 100,
the Hessian scene's eigenvalues), puts it in the page in place of the previous one, at the deck's
plot size (532 x 504), under reveal.js's scale of a screen, and measures in the page:
  build     contour_layer's JavaScript (grid, levels, lines, shading, the SVG nodes);
  painted   from the start to the first animation frame after the frame that showed it (the
            style, layout, paint and commit of the new layer; raster is on Chromium's raster threads,
            and the second frame waits for the first frame's raster to be activated).
--overlay measures instead what a slider that keeps the surface costs: a new paths SVG over the
kept contour layer (the plot's area is painted again, the contours with it).
Screens: 1050x700 at device pixel ratio 1 (the deck's own size, scale 1), 1920x1080 (scale 1.65)
and 1920x1080 at device pixel ratio 2 (3840x2160 device pixels). Samples of the two sites
alternate (same surfaces, same order), so a busy moment of the shared machine hits both. Prints
JSON: median and p95 per site and screen, and the ratios of the medians (ours / baseline).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from harness.server import SiteServer  # noqa: E402

SCREENS = {"1050x700": (1050, 700, 1), "1920x1080": (1920, 1080, 1), "1920x1080-dpr2": (1920, 1080, 2)}
WIDTH, HEIGHT = 532, 504  # the deck's trajectory plots

SETUP = """async ({scale, width, height}) => {
  const C = await import('/slides/js/plots/contours.js');
  const S = await import('/slides/js/core/scenes.js');
  document.body.innerHTML = '';
  document.body.style.margin = '0';
  const stage = document.createElement('div');
  stage.style.cssText = `position:absolute;left:0;top:0;width:${width}px;height:${height}px;transform-origin:0 0;transform:scale(${scale})`;
  document.body.append(stage);
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  window.__contour_sample = async (k) => {
    // a new surface each time: the conditioning slider's values, then the Hessian's eigenvalues
    const conditioning = k % 2 === 0;
    const scene = conditioning ? 'ill_conditioned' : 'hessian';
    const values = {...S.scene_defaults(scene)};
    const controls = S.scene_controls(scene);
    const key = Object.keys(controls)[0];
    const c = controls[key];
    values[key] = c.min + ((c.max - c.min) * ((k * 7) % 41)) / 40;
    const surface = S.scene_surface(scene, values);
    const view = S.SCENE_VIEW[scene];
    await frame();
    const t0 = performance.now();
    const layer = C.contour_layer(surface, view, {width, height});
    const t1 = performance.now();
    stage.replaceChildren(layer);
    await frame();
    await frame();
    const t2 = performance.now();
    return {build: t1 - t0, painted: t2 - t0};
  };
  // A slider that does not change the surface (a learning rate) redraws only the paths over the
  // kept contours: the plot's area is painted again, contours included.
  window.__overlay_sample = async (k) => {
    if (!stage.firstChild) await window.__contour_sample(0);
    stage.querySelectorAll('.overlay').forEach((e) => e.remove());
    await frame();
    const t0 = performance.now();
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('class', 'overlay');
    svg.setAttribute('width', width);
    svg.setAttribute('height', height);
    svg.style.cssText = 'position:absolute;left:0;top:0';
    let d = `M60,${40 + (k % 7)}`;
    for (let i = 1; i < 40; i++) d += `L${60 + i * 11},${40 + ((i * 37 + k * 13) % 400)}`;
    const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('d', d);
    path.setAttribute('fill', 'none');
    path.setAttribute('stroke', '#d55e00');
    path.setAttribute('stroke-width', '3');
    svg.append(path);
    stage.append(svg);
    await frame();
    await frame();
    return {painted: performance.now() - t0};
  };
}"""


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", default=str(ROOT / "_site"))
    parser.add_argument("--baseline-site", default=None, help="a second render (e.g. of main) measured in the same run")
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--cpu-throttle", type=float, default=1.0)
    parser.add_argument("--screens", default=",".join(SCREENS))
    parser.add_argument("--overlay", action="store_true",
                        help="measure instead a redraw of a paths layer over the kept contours (a slider that keeps the surface)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    sites = {"ours": Path(args.site)}
    if args.baseline_site:
        sites["baseline"] = Path(args.baseline_site)
    servers = {name: SiteServer(path) for name, path in sites.items()}
    report = {"samples": args.samples, "cpu_throttle": args.cpu_throttle, "load_average": os.getloadavg(), "screens": {}}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        for screen in args.screens.split(","):
            w, h, dpr = SCREENS[screen]
            scale = min(w / 1050, h / 700) * (1 - 0.04) if w != 1050 else 1.0  # reveal.js's scale, margin 0.04
            pages = {}
            for name, server in servers.items():
                context = browser.new_context(viewport={"width": w, "height": h}, device_scale_factor=dpr)
                page = context.new_page()
                if args.cpu_throttle > 1:
                    cdp = context.new_cdp_session(page)
                    cdp.send("Emulation.setCPUThrottlingRate", {"rate": args.cpu_throttle})
                    page._throttle = cdp
                page.goto(server.url("index.html"))
                page.evaluate(SETUP, {"scale": scale, "width": WIDTH, "height": HEIGHT})
                for k in range(3):  # warm up
                    page.evaluate("(k) => window.__contour_sample(k)", 1000 + k)
                pages[name] = page
            samples = {name: {} for name in pages}
            for k in range(args.samples):
                for name, page in pages.items():
                    sample = "__overlay_sample" if args.overlay else "__contour_sample"
                    got = page.evaluate(f"(k) => window.{sample}(k)", k)
                    for key in got:
                        samples[name].setdefault(key, []).append(got[key])
            result = {}
            for name, s in samples.items():
                result[name] = {key: {"median": round(statistics.median(v), 2), "p95": round(percentile(v, 0.95), 2)}
                                for key, v in s.items()}
            if "baseline" in result:
                result["ratio_median"] = {key: round(result["ours"][key]["median"] / result["baseline"][key]["median"], 3)
                                          for key in result["ours"]}
            report["screens"][screen] = {"scale": round(scale, 3), "device_pixel_ratio": dpr, **result}
            for page in pages.values():
                page.context.close()
        browser.close()
    for server in servers.values():
        server.close()
    report["load_average_after"] = os.getloadavg()
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
