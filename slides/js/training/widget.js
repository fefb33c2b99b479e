// The live trainer: the lecture's band-gap network trained in the browser, two or more runs side by
// side, train and test loss as they arrive, lambda1 against 2/eta. One widget used twice: the page
// training.qmd (mode "page": the state lives in the page's URL hash) and the slide "Adam vs SGD on
// a materials dataset" (mode "deck": reveal.js owns the hash, so "Copy link" gives the page's link).
// Each run trains in a worker of its own (runs.js, worker.js); this thread only draws.
//
//   mount_training({mode: "page", training_set: FileAttachment(...), reference: FileAttachment(...)})

import {
  MAX_RUNS,
  TRAINING_SCHEDULES,
  decode_training_hash,
  default_run,
  default_training_state,
  encode_training_hash,
  training_configs,
  training_preset_state,
  TRAINING_PRESET_NAMES,
  with_optimizer,
  with_training_field,
  clone_training_state,
} from "./link.js";
import {training_csv} from "./csv.js";
import {copy_text, download_text} from "../playground/sharing.js";
import {TRAINING_PRESETS} from "../core/trainer.js";
import {start_run_worker} from "./runs.js";
import {run_dash, training_panel} from "./plots.js";
import {reference_index, reference_for} from "./reference.js";
import {install_training_styles} from "./styles.js";
import {OPTIMIZER_NAMES} from "../core/optimizers.js";
import {OPTIMIZER_COLORS, PATH_WIDTH} from "../plots/style.js";
import {line_sample} from "../plots/legend.js";
import {format_number} from "../plots/readouts.js";
import {load_table} from "../deck_data.js";
import {printing} from "../print_mode.js";

// The slide's plots (a {.smaller} slide: 18 px plot text) and the page's (side by side when wide).
const DECK_PLOT = {width: 460, height: 300};
export const DECK_HEIGHT = 560;

function page_plot_size() {
  // the page's text column (Quarto's <main>), else the window less the page's margins
  const main = document.querySelector("main");
  const avail = Math.min(main?.clientWidth || (window.innerWidth || 1200) - 80, 1400);
  if (avail < 900) return {width: Math.max(300, avail), height: 300};
  return {width: Math.floor((avail - 16) / 2), height: 360};
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(text, title) {
  const node = el("button", "tr-button", text);
  node.type = "button";
  node.title = title;
  return node;
}

const OPTIMIZER_NAMES_SHOWN = {
  gd: "SGD",
  momentum: "SGD + momentum",
  nesterov: "Nesterov",
  adagrad: "AdaGrad",
  rmsprop: "RMSProp",
  adam: "Adam",
  adamw: "AdamW",
  amsgrad: "AMSGrad",
};

// "GD" when a gd run uses every training row per update, "SGD" otherwise.
function optimizer_name(run, rows) {
  if (run.optimizer === "gd") return run.batch >= rows ? "GD" : "SGD";
  return OPTIMIZER_NAMES_SHOWN[run.optimizer];
}

function run_label(run, index, rows) {
  const batch = run.batch >= rows ? "full batch" : `B ${run.batch}`;
  return `${index + 1}: ${optimizer_name(run, rows)}, η ${format_number(run.lr)}, ${batch}${run.schedule === "constant" ? "" : `, ${run.schedule.replace("_", "-")}`}${run.seed ? `, seed ${run.seed}` : ""}`;
}

// One sentence per run: where it is, or that it diverged and where. `compact` (the slide, where
// two of them share a line at projection size): no "Run", no 2/eta (the plot draws it).
export function run_status_text(run, epochs, {compact = false} = {}) {
  const rows = run.rows;
  const last = rows[rows.length - 1];
  const name = compact ? `${run.index + 1}` : `Run ${run.index + 1}`;
  if (run.error) return {text: compact ? `${name}: stopped (see above)` : `${name}: stopped: ${run.error}.`, bad: true};
  if (!last) return {text: `${name}: loading the data and the network...`, bad: false};
  if (run.status === "diverged") {
    if (compact) return {text: `${name}: DIVERGED at epoch ${last.epoch}; stopped`, bad: true};
    return {text: `${name}: DIVERGED at epoch ${last.epoch}: ${run.message ?? "the loss is no longer finite"}; stopped.`, bad: true};
  }
  const lambda = [...rows].reverse().find((row) => row.lambda1 !== null && row.lambda1 !== undefined);
  const short = (v) => format_number(Number(v.toPrecision(3)));
  if (compact) {
    return {
      text: `${name}: epoch ${last.epoch}, train ${short(last.train_loss)}, test ${short(last.test_loss)}${lambda ? `, λ₁ ${short(lambda.lambda1)}` : ""}`,
      bad: false,
    };
  }
  const sharp = lambda ? `, λ₁ ${format_number(lambda.lambda1)} vs 2/η ${format_number(2 / lambda.lr)}` : "";
  return {
    text: `${name}: epoch ${last.epoch}/${epochs}, train ${format_number(last.train_loss)}, test ${format_number(last.test_loss)}${sharp}`,
    bad: false,
  };
}

// Options: mode "page" | "deck"; training_set, reference: FileAttachments (or {url(), arrayBuffer()});
// hash: the link to show (defaults to the page's); invalidation: a promise that stops the workers;
// worker_url: tests only.
export function mount_training({
  mode = "page",
  training_set,
  reference = null,
  hash = null,
  link_base = "../training.html",
  invalidation = null,
  worker_url = null,
} = {}) {
  install_training_styles();
  const on_page = mode === "page";
  const print = printing();
  const plot_size = on_page ? page_plot_size() : DECK_PLOT;
  const root = el("div", `tr-root tr-${on_page ? "page" : "deck"}`);

  const first = decode_training_hash(hash ?? (on_page ? window.location.hash : ""));
  let state = first.state;
  let runs = []; // {index, optimizer, label, short_label, config_key, rows, status, message, error, phase, worker}
  let phase = "idle"; // idle | playing | paused | done
  let references = null; // reference_index(...) once loaded
  let reference_note = "";
  let draw_pending = false;

  // --- layout
  const link_message = el("div", "tr-message");
  link_message.setAttribute("role", "status");
  const error_line = el("div", "tr-error");
  error_line.setAttribute("role", "alert");
  const start = button("Start", "train every run, epoch after epoch");
  const step = button("Step", "one more epoch of every run");
  const reset = button("Reset", "back to the initialisation (epoch 0)");
  const copy = button("Copy link", "copy a link that reproduces these runs exactly (and pygen replay reruns it)");
  const csv = button("Download CSV", "the epochs trained so far, one line per run and epoch");
  const defaults = button("Defaults", "back to the lecture's comparison");
  const preset = el("select", "tr-select");
  preset.setAttribute("aria-label", "preset");
  for (const name of TRAINING_PRESET_NAMES) {
    const option = el("option", null, on_page ? `Preset: ${TRAINING_PRESETS[name].label}` : TRAINING_PRESETS[name].label);
    option.value = name;
    preset.append(option);
  }
  const progress = el("span", "tr-progress");
  const loss_panel = training_panel("loss");
  const sharp_panel = training_panel("sharpness");
  const loss_slot = el("div", "tr-slot");
  const sharp_slot = el("div", "tr-slot");
  loss_slot.append(loss_panel.element);
  sharp_slot.append(sharp_panel.element);
  const runs_box = el("div", "tr-runs");
  const readout = el("div", "tr-readout");
  readout.setAttribute("aria-live", "polite");
  const note = el("div", "tr-note");

  const toolbar = el("div", "tr-toolbar");
  toolbar.append(start, step, reset, preset, copy, progress);
  const settings = el("div", "tr-settings");
  const more = el("details", "tr-more");
  const more_summary = el("summary", "tr-button", "More settings");
  more.append(more_summary, settings);
  const extra = el("div", "tr-row");
  const plots = el("div", "tr-plots");
  plots.append(loss_slot, sharp_slot);
  if (on_page) {
    toolbar.append(csv, defaults);
    root.append(link_message, toolbar, error_line, plots, readout, runs_box, settings, note);
  } else {
    toolbar.append(more);
    extra.append(csv, defaults);
    root.append(link_message, toolbar, error_line, plots, readout, runs_box, note);
  }

  // --- the runs' controls: one line per run
  function text_box(key, label, value, size = 6) {
    const input = el("input", "tr-text");
    input.type = "text";
    input.size = size;
    input.spellcheck = false;
    input.autocomplete = "off";
    input.value = String(value);
    input.setAttribute("aria-label", label);
    input.dataset.key = key;
    input.addEventListener("change", () => {
      const result = with_training_field(state, key, input.value.trim());
      if (result.error) {
        input.setAttribute("aria-invalid", "true");
        error_line.textContent = `Not applied: ${result.error}.`;
      } else {
        input.removeAttribute("aria-invalid");
        apply(result.state);
      }
    });
    const field = el("label", "tr-field");
    field.append(el("span", null, label.split(" of run")[0]), input);
    return field;
  }

  function select(label, names, value, on_change, describe = (n) => n) {
    const node = el("select", "tr-select");
    node.setAttribute("aria-label", label);
    for (const name of names) {
      const option = el("option", null, describe(name));
      option.value = name;
      node.append(option);
    }
    node.value = value;
    node.addEventListener("change", () => on_change(node.value));
    return node;
  }

  function build_run_controls() {
    runs_box.replaceChildren();
    state.runs.forEach((run, i) => {
      const line = el("div", "tr-run");
      line.dataset.run = String(i + 1);
      const dash = run_dash(
        {index: i, optimizer: run.optimizer},
        state.runs.map((r, k) => ({index: k, optimizer: r.optimizer})),
      );
      line.append(line_sample({color: OPTIMIZER_COLORS[run.optimizer], dash, width: PATH_WIDTH}, {length: 36}));
      line.append(el("span", "tr-run-name", `${i + 1}`));
      line.append(
        select(
          `optimizer of run ${i + 1}`,
          OPTIMIZER_NAMES,
          run.optimizer,
          (name) => {
            const next = clone_training_state(state);
            next.runs[i] = with_optimizer(next.runs[i], name);
            apply(next);
          },
          (n) => OPTIMIZER_NAMES_SHOWN[n],
        ),
      );
      line.append(text_box(`run${i + 1}.lr`, `η of run ${i + 1}`, run.lr, 6));
      line.append(text_box(`run${i + 1}.batch`, `B of run ${i + 1}`, run.batch, 4));
      line.append(
        select(
          `schedule of run ${i + 1}`,
          TRAINING_SCHEDULES,
          run.schedule,
          (name) => {
            const result = with_training_field(state, `run${i + 1}.schedule`, name);
            if (result.state) apply(result.state);
          },
          (n) => n.replace("_", "-"),
        ),
      );
      line.append(text_box(`run${i + 1}.seed`, `seed of run ${i + 1}`, run.seed, 4));
      if (state.runs.length > 1) {
        const remove = button("✕", `remove run ${i + 1}`);
        remove.setAttribute("aria-label", `remove run ${i + 1}`);
        remove.addEventListener("click", () => {
          const next = clone_training_state(state);
          next.runs.splice(i, 1);
          apply(next);
        });
        line.append(remove);
      }
      runs_box.append(line);
    });
    const shared = el("div", "tr-row");
    shared.append(
      text_box("epochs", "epochs", state.epochs, 4),
      text_box("rows", "training rows", state.rows, 4),
      text_box("sharpness", "λ₁ every (epochs, 0 = never)", state.sharpness, 3),
    );
    if (state.runs.length < MAX_RUNS) {
      const add = button("Add a run", "one more run side by side");
      add.addEventListener("click", () => {
        const next = clone_training_state(state);
        const used = new Set(next.runs.map((r) => r.optimizer));
        const optimizer = ["momentum", "adamw", "adam", "gd"].find((name) => !used.has(name)) ?? "gd";
        next.runs.push({...default_run(optimizer), batch: Math.min(64, next.rows)});
        apply(next);
      });
      shared.append(add);
    }
    settings.replaceChildren(shared, ...(on_page ? [] : [extra]));
  }

  // --- drawing (at most once per animation frame, however fast the rows arrive)
  function schedule_draw() {
    if (draw_pending) return;
    draw_pending = true;
    requestAnimationFrame(() => {
      draw_pending = false;
      draw();
    });
  }

  function shown_reference() {
    if (!references) return [];
    const out = [];
    runs.forEach((run) => {
      const rows = reference_for(references, run.config);
      if (rows) out.push({run_index: run.index, rows});
    });
    return out;
  }

  const draw_times = []; // ms per redraw, the last 200 (bench/bench_training_ui.py reads them)
  function draw() {
    const started = performance.now();
    draw_rows();
    draw_times.push(performance.now() - started);
    if (draw_times.length > 200) draw_times.shift();
  }

  function draw_rows() {
    const reference = shown_reference();
    const size = {...plot_size, epochs: state.epochs};
    loss_panel.update(runs, reference, size);
    sharp_panel.update(runs, reference, size);
    readout.replaceChildren(
      ...runs.map((run) => {
        const line = run_status_text(run, state.epochs, {compact: !on_page});
        const node = el("div", line.bad ? "tr-line tr-bad" : "tr-line", line.text);
        node.dataset.run = String(run.index + 1);
        return node;
      }),
    );
    const trained = Math.max(0, ...runs.map((run) => run.rows[run.rows.length - 1]?.epoch ?? 0));
    progress.textContent = print ? "" : `epoch ${trained} / ${state.epochs}`;
    note.textContent = reference_note;
    root.dataset.phase = phase;
    root.dataset.epoch = String(trained);
  }

  function update_phase() {
    const live = runs.filter((run) => !run.error);
    if (live.length && live.every((run) => run.phase === "done")) phase = "done";
    start.textContent = phase === "playing" ? "Pause" : phase === "paused" ? "Resume" : "Start";
    start.disabled = phase === "done" || print;
    step.disabled = phase === "done" || print;
  }

  // --- runs and their workers
  // On another slide of the deck the playing runs take turns, the one with the fewest epochs
  // training, so that one of the two cores stays with the slide being shown: its keys and sliders
  // keep their latency while the runs go on in the background. Back on this slide, all train.
  let in_view = true;
  function command(run, play) {
    if (run.sent_play === play) return;
    run.sent_play = play;
    if (play) run.worker.play();
    else run.worker.pause();
  }
  function share_cores() {
    if (phase !== "playing") return;
    const going = runs.filter((run) => run.worker && !run.error && !["loading", "done"].includes(run.phase));
    let chosen = going;
    if (!in_view && going.length > 1) {
      const fewest = Math.min(...going.map((run) => run.rows.length));
      const current = going.find((run) => run.sent_play);
      // the run in turn keeps it until it is two epochs ahead: not a pause and a play every epoch
      const keep = current && current.rows.length - fewest < 2;
      chosen = [keep ? current : going.find((run) => run.rows.length === fewest)];
    }
    for (const run of going) command(run, chosen.includes(run));
  }
  const slide = on_page ? null : root;
  function on_slide_change() {
    const section = slide?.closest("section");
    const shown = !section || section.classList.contains("present");
    if (shown === in_view) return;
    in_view = shown;
    root.dataset.inView = String(in_view);
    share_cores();
  }
  if (slide && window.Reveal?.on) {
    window.Reveal.on("slidechanged", on_slide_change);
    invalidation?.then(() => window.Reveal.off("slidechanged", on_slide_change));
  }

  function stop_all() {
    for (const run of runs) run.worker?.stop();
  }

  function new_run(config, run_state, index, data_url) {
    const run = {
      index,
      optimizer: config.optimizer,
      label: run_label(run_state, index, state.rows),
      short_label: `${index + 1}: ${optimizer_name(run_state, state.rows)}`,
      config,
      config_key: JSON.stringify(config),
      rows: [],
      status: "running",
      message: null,
      error: null,
      phase: "loading",
      worker: null,
      sent_play: false, // the last of play/pause sent to the worker (its state once read: messages keep their order)
    };
    if (print) {
      // Paper shows a deterministic state: the reference rows of this configuration, no training.
      run.phase = "done";
      return run;
    }
    run.worker = start_run_worker({
      config,
      data_url,
      worker_url,
      on_row: (row) => {
        run.rows.push(row);
        run.status = row.status === "diverged" ? "diverged" : run.status;
        if (!in_view) share_cores();
        schedule_draw();
      },
      on_state: (message) => {
        run.phase = message.state;
        run.status = message.status;
        run.message = message.message;
        if (message.state === "ready") run.sent_play = false; // a worker starts (and resets) paused
        share_cores();
        update_phase();
        schedule_draw();
      },
      on_error: (text) => {
        run.error = text;
        run.phase = "done";
        error_line.textContent = `Run ${index + 1} stopped: ${text}.`;
        update_phase();
        schedule_draw();
      },
    });
    return run;
  }

  let data_url = null;
  async function resolve_data_url() {
    if (data_url) return data_url;
    const url = await training_set.url();
    data_url = new URL(url, window.location.href).href;
    return data_url;
  }

  async function rebuild_runs() {
    const configs = training_configs(state);
    const url = print ? null : await resolve_data_url();
    const kept = [];
    const next = configs.map((config, i) => {
      const key = JSON.stringify(config);
      const old = runs[i];
      if (old && old.config_key === key && !old.error) {
        kept.push(old);
        old.label = run_label(state.runs[i], i, state.rows);
        return old;
      }
      return new_run(config, state.runs[i], i, url);
    });
    for (const run of runs) if (!kept.includes(run)) run.worker?.stop();
    runs = next;
    if (phase === "done") phase = "paused";
    update_phase();
    if (print) fill_print_rows();
    schedule_draw();
  }

  function fill_print_rows() {
    if (!references) return;
    for (const run of runs) {
      const rows = reference_for(references, run.config);
      run.rows = rows ? rows.map((row) => ({...row})) : [];
      const last = run.rows[run.rows.length - 1];
      run.status = last?.status === "diverged" ? "diverged" : "completed";
      if (!rows) run.error = "this configuration is not among the precomputed reference runs, so paper shows no curve";
    }
  }

  function current_link() {
    const text = encode_training_hash(state);
    if (on_page) return `${window.location.href.split("#")[0]}#${text}`;
    return `${new URL(link_base, window.location.href).href}#${text}`;
  }

  // The preset menu names the preset the state is (or "custom settings").
  const custom = el("option", null, "Custom settings");
  custom.value = "custom";
  custom.disabled = true;
  preset.append(custom);
  function sync_preset() {
    const hash = encode_training_hash(state);
    preset.value = TRAINING_PRESET_NAMES.find((name) => encode_training_hash(training_preset_state(name)) === hash) ?? "custom";
  }

  function apply(next) {
    state = next;
    sync_preset();
    error_line.textContent = runs.some((run) => run.error) && !print ? error_line.textContent : "";
    build_run_controls();
    if (on_page) {
      const text = `#${encode_training_hash(state)}`;
      if (window.location.hash !== text) history.replaceState(null, "", text);
    }
    root.dataset.hash = encode_training_hash(state);
    return rebuild_runs();
  }

  // --- buttons
  start.addEventListener("click", () => {
    if (phase === "playing") {
      phase = "paused";
      for (const run of runs) if (run.worker) command(run, false);
    } else {
      phase = "playing";
      share_cores();
    }
    update_phase();
  });
  step.addEventListener("click", () => {
    phase = "paused";
    for (const run of runs) {
      if (!run.worker) continue;
      run.sent_play = false; // a step leaves the worker paused
      run.worker.step();
    }
    update_phase();
  });
  reset.addEventListener("click", () => {
    phase = "idle";
    for (const run of runs) {
      run.rows = [];
      run.status = "running";
      run.phase = "loading";
      run.sent_play = false;
      run.worker?.reset();
    }
    update_phase();
    schedule_draw();
  });
  preset.addEventListener("change", () => {
    link_message.textContent = "";
    phase = "idle";
    apply(training_preset_state(preset.value));
  });
  defaults.addEventListener("click", () => {
    link_message.textContent = "";
    preset.value = "lecture";
    phase = "idle";
    apply(default_training_state());
  });
  csv.addEventListener("click", () =>
    download_text("training-runs.csv", training_csv(runs.map((run) => ({optimizer: run.optimizer, rows: run.rows})))),
  );
  copy.addEventListener("click", async () => {
    const link = current_link();
    const done = await copy_text(link);
    error_line.textContent = done
      ? "Link copied: it reproduces these runs exactly; `python3 -m pygen replay '<link>'` retrains them in Python."
      : `Copy this link by hand: ${link}`;
    root.dataset.copied = link;
  });
  if (on_page) {
    window.addEventListener("hashchange", () => {
      if (window.location.hash === `#${encode_training_hash(state)}`) return;
      const read = decode_training_hash(window.location.hash);
      link_message.textContent = read.error ?? "";
      phase = "idle";
      apply(read.state);
    });
  }
  invalidation?.then(stop_all);

  // --- the reference runs (small; read on this thread), then the runs themselves
  if (reference) {
    load_table(reference, {name: "data/live_training_reference.arrow"}).then((loaded) => {
      if (loaded.status === "ok") {
        references = reference_index(loaded.rows);
        if (print) {
          fill_print_rows();
          reference_note =
            "On paper: the precomputed runs of these configurations (python3 -m pygen, the same trainer); the slide trains them live.";
        }
      } else {
        reference_note = `No reference curves: ${loaded.message}`;
      }
      schedule_draw();
    });
  }
  link_message.textContent = first.error ?? "";
  if (print) reference_note = "On paper: the precomputed runs of these configurations; the slide trains them live.";
  apply(state);
  root.training = {state: () => state, runs: () => runs, phase: () => phase, link: current_link, draw_times: () => [...draw_times]};
  return root;
}
