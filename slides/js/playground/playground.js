// The optimizer playground: every optimizer on every surface, schedules, mini-batch noise,
// animation and a shareable link. One widget used twice: the page playground.qmd
// (mode "page": the state lives in the page's URL hash) and the last slide of the deck's
// optimizer section (mode "deck": reveal.js owns the hash, so "Copy link" gives a link to the
// page with the same state).
//
//   import {mount_playground} from "./slides/js/playground/playground.js"
//   mount_playground({mode: "page"})          // -> the widget's element, for an {ojs} cell

import {decode_hash, default_state, encode_hash, run_playground} from "./state.js";
import {runs_csv} from "./csv.js";
import {copy_text, download_text} from "./sharing.js";
import {surface_panel} from "./surface_panel.js";
import {loss_panel} from "./loss_panel.js";
import {page_address} from "./address.js";
import {make_player} from "./animation.js";
import {fill_readout, hover_text, update_readout} from "./readout.js";
import {make_controls} from "./controls.js";
import {PHONE_WIDTH, install_styles} from "./styles.js";
import {awaiting_slide} from "../plots/readouts.js";

// On a slide: one large surface plot (the loss panel is the page's; the readout gives the losses)
// beside a column of the main controls, all text at the projection size (slides/theme.css).
const DECK_SIZES = {plot: {width: 500, height: 500}}; // deck.js keeps the height for the empty box

// On the page the two plots share the width beside the controls (stacked when it is narrow).
// On a phone (narrower than PHONE_WIDTH, styles.js) the controls go above the plots and the
// plots take the page's width (its text column: the window less Quarto's 24 px margins).
function page_sizes() {
  const window_width = window.innerWidth || 1200;
  if (window_width < PHONE_WIDTH) {
    const width = Math.max(240, window_width - 48);
    return {plot: {width, height: Math.min(440, width)}, loss: {width, height: Math.min(320, width)}};
  }
  const avail = Math.min(window_width, 1500) - 270 - 14 - 60;
  if (avail < 640) {
    const width = Math.max(300, avail);
    return {plot: {width, height: Math.min(440, width)}, loss: {width, height: 320}};
  }
  const plot = Math.floor(avail * 0.54);
  return {plot: {width: plot, height: 430}, loss: {width: avail - plot - 8, height: 430}};
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// A text written only when it changes: the same text written again is still a new text node
// to lay out and paint in the frame after a change.
function set_text(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function button(text, title) {
  const node = el("button", "pg-button", text);
  node.type = "button";
  if (title) node.title = title;
  return node;
}

// `shown: false` (a deck slide not shown yet, first_shown in deck_slides.js): an empty box of
// the deck playground's height, nothing run or drawn until the slide is first shown (issue 10).
export function mount_playground({mode = "page", link_base = "../playground.html", hash = null, shown = true} = {}) {
  if (!shown) return awaiting_slide({width: 960, height: DECK_SIZES.plot.height});
  const compact = mode !== "page";
  install_styles();
  const on_page = mode === "page";
  const sizes = on_page ? page_sizes() : DECK_SIZES;
  const root = el("div", `pg-root pg-${on_page ? "page" : "deck"}`);

  const first = decode_hash(hash ?? (on_page ? window.location.hash : ""));
  let state = first.state;
  let runs = [];
  let hover = null;
  const run_cache = new Map();
  let readout_at = 0;
  // the two plots stay for the widget's life; a change redraws their canvases
  const surface = surface_panel(sizes.plot, {deck: !on_page});
  const loss = on_page ? loss_panel(sizes.loss) : null;
  const address = on_page ? page_address() : null;

  // --- layout
  const link_message = el("div", "pg-message");
  link_message.setAttribute("role", "status");
  const input_message = el("div", "pg-input-error");
  input_message.setAttribute("role", "alert");
  const surface_slot = el("div", "pg-slot");
  surface_slot.append(surface.element);
  const loss_slot = el("div", "pg-slot");
  if (loss) loss_slot.append(loss.element);
  const hover_line = el("div", "pg-hover", "");
  const hover_hint = compact
    ? "Hover a path to read a point; click the plot to move the start."
    : "Hover over a path to read a point; click the contours to move the start.";
  const readout = el("div", "pg-readout");
  readout.setAttribute("aria-live", "polite");

  const play = button("Play", "animate the paths along the steps");
  const step = button("Step", "one step forward");
  const reset = button("Reset", "back to step 0");
  const copy = button("Copy link", "copy a link that reproduces this run exactly");
  const csv = button("Download CSV", "the current run: one row per optimizer and step");
  const defaults = button("Defaults", "back to the default settings");
  const step_label = el("span", "pg-step");
  const link_box = el("input", "pg-link");
  link_box.type = "text";
  link_box.readOnly = true;
  link_box.setAttribute("aria-label", "link to this run");

  const toolbar = el("div", "pg-toolbar");
  if (on_page) toolbar.append(play, step, reset, step_label, copy, csv, defaults);
  else toolbar.append(play, step, reset, copy, step_label);

  const app = {
    state: () => state,
    set: (next) => {
      if (next) apply(next);
    },
    error: (text) => {
      input_message.textContent = text;
    },
  };
  const controls = make_controls(app, on_page ? "page" : "deck");

  if (on_page) {
    const plots = el("div", "pg-plots");
    plots.append(surface_slot, loss_slot);
    const main = el("div", "pg-main");
    main.append(link_message, toolbar, plots, hover_line, readout, input_message, link_box);
    root.append(controls.element, main);
  } else {
    // The plot and the hover line on the left; on the right the buttons, the main controls, the
    // readout and "More settings", which opens the rest (learning rates, hyperparameters, start,
    // seed, CSV, defaults) over the plot.
    const left = el("div", "pg-left");
    left.append(surface_slot, hover_line);
    const more = el("details", "pg-more");
    const summary = el("summary", "pg-button", "More settings");
    const close = button("Close", "fold the settings away");
    close.addEventListener("click", () => {
      more.open = false;
      summary.focus();
    });
    const extra = el("div", "pg-row");
    extra.append(csv, defaults, close);
    controls.more.append(extra);
    more.append(summary, controls.more);
    toolbar.append(more);
    const side = el("div", "pg-side");
    side.append(link_message, toolbar, controls.element, readout, input_message);
    root.append(left, side);
  }

  // --- drawing
  function draw(k) {
    surface.draw(runs, k, hover);
    loss?.draw(k, hover);
    set_text(step_label, `step ${k} / ${state.steps}`);
    // the words follow the animation (a run "diverges" in the text when the animation gets
    // there), at most about 8 times a second while playing: text layout is the costly part
    const now = performance.now();
    if (player?.playing && k < state.steps && now - readout_at < 120) return;
    readout_at = now;
    update_readout(readout, runs, k, {compact});
  }
  const player = make_player(
    (k) => draw(k),
    () => {
      play.textContent = player.playing ? "Pause" : "Play";
    },
  );

  function current_link(hash = encode_hash(state)) {
    if (on_page) return `${window.location.href.split("#")[0]}#${hash}`;
    return `${new URL(link_base, window.location.href).href}#${hash}`;
  }

  function apply(next) {
    state = next;
    set_text(input_message, "");
    runs = run_playground(state, run_cache);
    hover = null;
    set_text(hover_line, hover_hint);
    // the contours and axes of the last few surfaces are kept: switching back builds nothing
    surface.show(state);
    loss?.show(runs, state.steps);
    fill_readout(readout, runs, state, state.steps, {compact});
    controls.sync(state);
    player.load(state.steps);
    const hash = encode_hash(state);
    if (on_page) {
      address.follow(`#${hash}`);
      link_box.value = current_link(hash);
    }
    root.dataset.hash = hash;
  }

  // --- pointer: hover readout and click-to-start
  const local = (event, canvas, width) => {
    const rect = canvas.getBoundingClientRect();
    const scale = width / rect.width; // the deck scales the slide
    return [(event.clientX - rect.left) * scale, (event.clientY - rect.top) * scale];
  };

  function show_hover(hit) {
    hover = hit;
    hover_line.textContent = hit ? hover_text(hit, {compact}) : hover_hint;
    surface.draw(runs, player.k, hover);
    loss?.draw(player.k, hover);
  }

  surface.canvas.addEventListener("pointermove", (event) => {
    const [px, py] = local(event, surface.canvas, surface.size.width);
    show_hover(surface.nearest(runs, player.k, px, py));
  });
  surface.canvas.addEventListener("pointerleave", () => show_hover(null));
  surface.canvas.addEventListener("click", (event) => {
    const [px, py] = local(event, surface.canvas, surface.size.width);
    const point = surface.invert(px, py);
    if (!point) return;
    const round = (v) => Math.round(v * 1000) / 1000;
    const text = surface.one_d ? String(round(point[0])) : `${round(point[0])},${round(point[1])}`;
    const next = decode_hash(`#${encode_hash(state).replace(/start=[^&]*/, `start=${text}`)}`);
    if (next.error) app.error(next.error);
    else apply(next.state);
  });

  if (loss) {
    loss.canvas.addEventListener("pointermove", (event) => {
      const [px, py] = local(event, loss.canvas, loss.size.width);
      show_hover(loss.nearest(px, py));
    });
    loss.canvas.addEventListener("pointerleave", () => show_hover(null));
  }

  // --- buttons
  play.addEventListener("click", () => player.toggle());
  step.addEventListener("click", () => player.step());
  reset.addEventListener("click", () => player.reset());
  defaults.addEventListener("click", () => {
    link_message.textContent = "";
    apply(default_state());
  });
  csv.addEventListener("click", () => download_text(`playground-${state.surface}-seed${state.seed}.csv`, runs_csv(runs)));
  copy.addEventListener("click", async () => {
    const link = current_link();
    const done = await copy_text(link);
    input_message.textContent = done ? "Link copied: it reproduces this run exactly, noise included." : `Copy this link by hand: ${link}`;
    root.dataset.copied = link;
  });

  if (on_page) {
    window.addEventListener("hashchange", () => {
      if (window.location.hash === `#${encode_hash(state)}`) return;
      address.drop();
      const read = decode_hash(window.location.hash);
      link_message.textContent = read.error ?? "";
      apply(read.state);
    });
  }

  link_message.textContent = first.error ?? "";
  apply(state);
  address?.flush(); // a link opened is written back at once, as it was read
  root.playground = {player, state: () => state, runs: () => runs, apply, encode: () => encode_hash(state)};
  return root;
}
