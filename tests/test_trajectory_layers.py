"""The trajectory plots' paths layer is drawn with d3 directly (plots/trajectory.js paths_svg,
issue 10: Plot's pipeline was most of a slider move's work). It must be element for element what
Plot.plot makes of the same marks (plot_paths): every scene with a path, at its defaults and at
each control's minimum and maximum (diverging runs, runs that leave the view, one-point paths),
with and without the faint reference, at two plot sizes, in Chromium on the rendered site.
Only what names the SVG itself differs: Plot's hashed class and style sheet, the clip path's id."""

from __future__ import annotations

from harness.server import SiteServer

# An SVG as text without what names it: the root's attributes, Plot's style sheet, clip path ids.
NORMAL = r"""
  const normal = (svg) => {
    const copy = svg.cloneNode(true);
    copy.querySelectorAll('style').forEach((e) => e.remove());
    return copy.outerHTML.replace(/^<svg[^>]*>/, '<svg>')
      .replace(/plot-clip-\d+|trajectory-paths-clip-\d+|eigenvector-clip-\d+/g, 'CLIP');
  };"""


def evaluate_on_deck(harness_session, site, script: str):
    """Runs `script` (an async function's body, with normal() defined) on the rendered deck."""
    server = SiteServer(site)
    context = harness_session.browser.new_context()
    try:
        page = context.new_page()
        page.goto(server.url("slides/unit6.html"))
        return page.evaluate("async () => {" + NORMAL + script + "}")
    finally:
        context.close()
        server.close()


COMPARE = r"""
  const T = await import('/slides/js/plots/trajectory.js');
  const S = await import('/slides/js/core/scenes.js');
  const R = await import('/slides/js/plots/readouts.js');
  const cases = [];
  for (const scene of S.SCENE_NAMES) {
    if (!S.SCENE_VIEW[scene] || !S.scene_surface(scene, S.scene_defaults(scene))) continue;
    // The Hessian scene's paths are the same; its eigenvector layer: test_the_eigenvector_layer_is_what_plot_draws.
    const base = S.scene_defaults(scene);
    const settings = [base];
    for (const [key, control] of Object.entries(S.scene_controls(scene))) {
      settings.push({...base, [key]: control.max}, {...base, [key]: control.min});
    }
    for (const values of settings) {
      const runs = S.run_scene(scene, values);
      const view = S.SCENE_VIEW[scene];
      const curve = T.runs_surface(runs).dim === 1;
      for (const reference of [false, true]) {
        const reference_runs = reference ? runs : [];
        const colors = R.legend_scale(runs, {reference, curve});
        for (const [width, height] of [[532, 504], [638, 433]]) {
          const ours = T.paths_svg(runs, reference_runs, view, colors, {width, height});
          const plots = T.plot_paths(runs, reference_runs, view, colors, {width, height});
          cases.push({scene, values: JSON.stringify(values), reference, width,
                      marks: ours.querySelectorAll('path, circle').length,
                      ours: normal(ours), plot: normal(plots)});
        }
      }
    }
  }
  return cases;
"""


def test_the_d3_paths_layer_is_what_plot_draws(harness_session, site):
    cases = evaluate_on_deck(harness_session, site, COMPARE)
    scenes = {c["scene"] for c in cases}
    assert {"saddle", "ill_conditioned", "momentum", "nesterov", "lr_1d", "comparison"} <= scenes, scenes
    assert sum(c["marks"] for c in cases) > 1000
    for c in cases:
        assert c["ours"] == c["plot"], (
            f"{c['scene']} {c['values']} reference={c['reference']} width={c['width']}:\n"
            f"d3:   {c['ours'][:1500]}\nPlot: {c['plot'][:1500]}")


EIGENVECTORS = r"""
  const H = await import('/slides/js/plots/hessian.js');
  const S = await import('/slides/js/core/scenes.js');
  const {Plot} = await import('/slides/js/libs.js');
  const {TRAJECTORY_MARGINS: m} = await import('/slides/js/plots/style.js');
  const view = S.SCENE_VIEW.hessian;
  const base = S.scene_defaults('hessian');
  const settings = [base];
  for (const [key, control] of Object.entries(S.scene_controls('hessian'))) {
    settings.push({...base, [key]: control.max}, {...base, [key]: control.min});
  }
  const cases = [];
  for (const values of settings) {
    const runs = S.run_scene('hessian', values);
    const summary = S.hessian_summary(values);
    for (const [width, height] of [[512, 484], [638, 433]]) {
      const ours = H.eigenvector_layer(summary, view, {runs})({width, height});
      const plot = Plot.plot({width, height, marginTop: m.top, marginLeft: m.left, marginRight: m.right, marginBottom: m.bottom,
                              x: {domain: view.x, axis: null}, y: {domain: view.y, axis: null},
                              marks: H.eigenvector_marks(summary, view, {runs})});
      cases.push({values: JSON.stringify(values), width, texts: ours.querySelectorAll('text').length,
                  lines: ours.querySelectorAll('path').length, ours: normal(ours), plot: normal(plot)});
    }
  }
  return cases;
"""


def test_the_eigenvector_layer_is_what_plot_draws(harness_session, site):
    """The Hessian slide's eigenvector lines and labels (hessian.js eigenvector_layer, plain DOM)
    are element for element what Plot.plot makes of eigenvector_marks, at the slide's defaults
    and at each control's extremes (eigenvalues of both signs, a zero one, every angle), at two
    sizes."""
    cases = evaluate_on_deck(harness_session, site, EIGENVECTORS)
    assert len(cases) >= 10 and all(c["texts"] == 2 for c in cases), cases[:2]
    assert sum(c["lines"] for c in cases) >= len(cases)
    for c in cases:
        assert c["ours"] == c["plot"], f"{c['values']} width={c['width']}:\nours: {c['ours'][:1500]}\nPlot: {c['plot'][:1500]}"
