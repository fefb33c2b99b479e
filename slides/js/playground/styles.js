// The playground's CSS, added to the document once (the same on the page and on the slide,
// without a stylesheet that Quarto would have to be told to copy).

// Below this window width the page's playground stacks its controls above the plots (a phone).
export const PHONE_WIDTH = 644;

const CSS = `
.pg-root { display: flex; gap: 14px; align-items: flex-start; font-family: system-ui, sans-serif; font-size: 14px;
  line-height: 1.3; color: #222; text-align: left; }
.pg-deck { font-size: 12px; gap: 10px; }
.pg-controls { flex: 0 0 270px; }
.pg-deck .pg-controls { flex-basis: 262px; max-height: 590px; overflow-y: auto; padding-right: 4px; }
.pg-group { border: 1px solid #ddd; border-radius: 4px; margin: 0 0 8px 0; padding: 4px 8px 6px; }
.pg-group legend { font-weight: 600; padding: 0 4px; font-size: 1em; }
.pg-row { display: flex; flex-wrap: wrap; gap: 4px 8px; align-items: center; margin: 3px 0; }
.pg-field { display: inline-flex; gap: 4px; align-items: center; margin: 0; font-size: 1em; }
.pg-root input, .pg-root select, .pg-root button { font: inherit; font-size: 1em; margin: 0; }
.pg-text { padding: 1px 4px; border: 1px solid #aaa; border-radius: 3px; width: auto; }
.pg-text[aria-invalid="true"] { border-color: #c0392b; background: #fdecea; }
.pg-select { padding: 1px 2px; max-width: 100%; }
.pg-range { width: 120px; }
.pg-check { display: inline-flex; gap: 5px; align-items: center; min-width: 100px; font-weight: 600; }
.pg-swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; border: 1px solid #555; flex: none; }
.pg-opt { border-top: 1px solid #eee; padding: 2px 0; }
.pg-opt.pg-off { color: #595959; } /* dimmed, still 7:1 on white (an opacity failed WCAG contrast) */
.pg-opt.pg-off .pg-swatch, .pg-opt.pg-off input { opacity: 0.6; }
.pg-hyper { margin: 0; }
.pg-hyper[open] { flex-basis: 100%; padding-left: 22px; }
.pg-hyper.pg-none { visibility: hidden; }
.pg-hyper summary { cursor: pointer; color: #555; font-size: 0.95em; }
.pg-hyper .pg-field { margin: 2px 8px 2px 0; }
.pg-hint { color: #666; font-size: 0.9em; }
.pg-main { flex: 1 1 auto; min-width: 0; }
.pg-plots { display: flex; flex-wrap: wrap; gap: 8px; }
.pg-panel { position: relative; }
.pg-panel > svg, .pg-panel > figure { position: absolute; left: 0; top: 0; margin: 0; will-change: transform; }
.pg-panel > canvas { position: absolute; left: 0; top: 0; will-change: transform; }
/* own compositing layers: an animation frame repaints the canvas, not the contours under it */
.pg-surface > canvas { cursor: crosshair; }
.pg-toolbar { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-bottom: 6px; }
.pg-root .pg-button { padding: 2px 10px; border: 1px solid #888; border-radius: 4px; background: #f6f6f6; color: #222; cursor: pointer; line-height: 1.4; }
.pg-root .pg-button:hover, .pg-root .pg-button:focus-visible { background: #e2e2e2; }
.pg-step { min-width: 110px; color: #444; font-variant-numeric: tabular-nums; }
.pg-hover { min-height: 1.3em; margin: 4px 0; font-variant-numeric: tabular-nums; color: #333; }
.pg-readout .pg-line { display: flex; gap: 6px; align-items: baseline; margin: 1px 0; }
.pg-readout .pg-bad { color: #b03a2e; font-weight: 600; }
.pg-readout .pg-note { color: #666; }
.pg-message:not(:empty) { background: #fff4e5; border: 1px solid #e0a458; border-radius: 4px; padding: 6px 10px; margin-bottom: 6px; }
.pg-input-error:not(:empty) { color: #b03a2e; margin: 4px 0; }
.pg-link { width: 100%; font-size: 0.85em; color: #555; margin-top: 6px; }
.reveal .pg-root p { margin: 0; }
/* A phone (the page only): the controls above the plots, each group the full width; the
   buttons wrap instead of running off the screen. */
@media (max-width: ${PHONE_WIDTH - 0.02}px) {
  .pg-page { flex-direction: column; align-items: stretch; }
  .pg-page .pg-controls { flex: none; width: 100%; }
  .pg-page .pg-main { width: 100%; order: -1; } /* the plot first, its controls under it */
  .pg-page .pg-button { min-height: 32px; }
}
/* The slide (mode "deck"): every text at the projection size of plot text (24 px on a normal
   slide, slides/theme.css), one plot on the left, the main controls on the right, the rest
   folded under "More settings" (opened over the plot). */
.pg-deck { position: relative; font-size: var(--plot-text, 24px); line-height: 1.25; gap: 18px; }
.pg-deck .pg-left { flex: none; }
.pg-deck .pg-side { flex: 1 1 auto; min-width: 0; display: flex; flex-direction: column; gap: 6px; }
.pg-deck .pg-toolbar { gap: 6px 8px; margin: 0; }
.pg-deck .pg-button { padding: 1px 10px; }
.pg-deck .pg-step { min-width: 0; }
.pg-deck .pg-controls { flex: none; display: flex; flex-direction: column; gap: 6px; }
.pg-deck .pg-row { margin: 0; gap: 4px 10px; flex-wrap: nowrap; }
.pg-deck .pg-opts { display: grid; grid-template-columns: 1fr 1fr; gap: 0 12px; }
.pg-deck .pg-check { min-width: 0; gap: 6px; white-space: nowrap; }
.pg-deck .pg-opts .pg-opt { border: 0; padding: 0; }
.pg-deck input[type="checkbox"] { width: 20px; height: 20px; flex: none; }
.pg-deck .pg-sample { flex: none; }
.pg-deck .pg-range { flex: 1 1 auto; min-width: 0; width: auto; }
.pg-deck .pg-hint, .pg-deck .pg-hyper summary, .pg-deck .pg-readout .pg-note { font-size: 1em; }
.pg-deck .pg-hover { min-height: 2.5em; margin: 4px 0 0; width: 500px; }
.pg-deck .pg-readout { display: grid; grid-template-columns: 1fr 1fr; gap: 0 12px; }
.pg-deck .pg-readout .pg-line { margin: 0; gap: 8px; align-items: center; white-space: nowrap; }
.pg-deck .pg-readout .pg-note { grid-column: 1 / -1; white-space: normal; }
.pg-deck .pg-more > summary { display: inline-block; list-style: none; }
.pg-deck .pg-more > summary::-webkit-details-marker { display: none; }
/* closed: no box at all (Chromium still lays out a closed <details>' content for scripts) */
.pg-deck .pg-more:not([open]) > .pg-more-panel { display: none; }
.pg-deck .pg-more-panel { position: absolute; left: 0; top: 0; z-index: 10; width: 560px; max-height: 590px;
  overflow-y: auto; box-sizing: border-box; background: #fff; border: 2px solid #888; border-radius: 6px;
  padding: 6px 10px; box-shadow: 0 4px 16px rgba(0, 0, 0, 0.25); }
.pg-deck .pg-more-panel .pg-row { flex-wrap: wrap; }
.pg-deck .pg-more-panel .pg-opt-name { min-width: 6.2em; font-weight: 600; }
.pg-deck .pg-more-panel .pg-hyper[open] { padding-left: 0; }
`;

export function install_styles() {
  if (document.getElementById("pg-styles")) return;
  const style = document.createElement("style");
  style.id = "pg-styles";
  style.textContent = CSS;
  document.head.append(style);
}
