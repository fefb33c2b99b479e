// The live trainer's CSS, added to the document once (the same on the page and on the slide).

const CSS = `
.tr-root { font-family: system-ui, sans-serif; font-size: 15px; line-height: 1.3; color: #222; text-align: left; position: relative; }
.tr-root input, .tr-root select, .tr-root button { font: inherit; font-size: 1em; margin: 0; }
.tr-toolbar, .tr-row { display: flex; flex-wrap: wrap; gap: 6px 8px; align-items: center; margin: 0 0 6px; }
.tr-root .tr-button { padding: 2px 10px; border: 1px solid #888; border-radius: 4px; background: #f6f6f6; color: #222; cursor: pointer; line-height: 1.4; }
.tr-root .tr-button:hover, .tr-root .tr-button:focus-visible { background: #e2e2e2; }
.tr-root .tr-button:disabled { color: #595959; cursor: default; }
.tr-progress { color: #333; font-variant-numeric: tabular-nums; min-width: 7em; }
.tr-plots { display: flex; flex-wrap: wrap; gap: 8px 16px; }
.tr-slot figure { margin: 0; }
.tr-page .line-legend { display: flex; flex-wrap: wrap; gap: 2px 18px; margin-bottom: 4px; }
.tr-page .line-legend-item { display: inline-flex; gap: 6px; align-items: center; }
/* A phone: a select whose longest option is wider than the screen (the presets) stays on it. */
.tr-page .tr-select { max-width: 100%; }
.tr-readout .tr-line { margin: 1px 0; font-variant-numeric: tabular-nums; }
.tr-readout .tr-bad, .tr-error { color: #b00020; font-weight: 600; }
.tr-run { display: flex; flex-wrap: wrap; gap: 4px 8px; align-items: center; margin: 3px 0; }
.tr-run-name { font-weight: 600; }
.tr-field { display: inline-flex; gap: 4px; align-items: center; margin: 0; }
.tr-text { padding: 1px 4px; border: 1px solid #aaa; border-radius: 3px; width: auto; }
.tr-text[aria-invalid="true"] { border-color: #b00020; background: #fdecea; }
.tr-message:not(:empty) { background: #fff4e5; border: 1px solid #e0a458; border-radius: 4px; padding: 4px 10px; margin-bottom: 6px; }
.tr-note { color: #444; font-size: 0.95em; }
.reveal .tr-root p { margin: 0; }
/* The slide (a {.smaller} slide: 18 px plot text, slides/theme.css): every text at that size. */
.tr-deck { font-size: var(--plot-text, 18px); line-height: 1.2; }
.tr-deck .tr-toolbar { margin-bottom: 4px; }
.tr-deck .tr-plots { flex-wrap: nowrap; gap: 12px; align-items: flex-end; }
.tr-deck .tr-button { padding: 0 8px; }
.tr-deck .tr-run { flex-wrap: nowrap; margin: 1px 0; white-space: nowrap; }
.tr-deck .tr-readout { display: grid; grid-template-columns: 1fr 1fr; gap: 0 14px; }
.tr-deck .tr-readout .tr-line { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.tr-deck .tr-run .tr-select { max-width: 9.5em; }
.tr-deck .tr-toolbar > .tr-select { max-width: 15em; }
.tr-deck .tr-slot { flex: none; }
.tr-deck .tr-more > summary { display: inline-block; list-style: none; }
.tr-deck .tr-more > summary::-webkit-details-marker { display: none; }
.tr-deck .tr-more:not([open]) > .tr-settings { display: none; }
.tr-deck .tr-settings { position: absolute; right: 0; top: 2.2em; z-index: 10; width: 600px; box-sizing: border-box;
  background: #fff; border: 2px solid #888; border-radius: 6px; padding: 6px 10px; box-shadow: 0 4px 16px rgba(0, 0, 0, 0.25); }
body.high-contrast .reveal .tr-root, body.high-contrast .reveal .tr-note, body.high-contrast .reveal .tr-progress { color: #000; }
`;

export function install_training_styles() {
  if (document.getElementById("tr-styles")) return;
  const style = document.createElement("style");
  style.id = "tr-styles";
  style.textContent = CSS;
  document.head.append(style);
}
