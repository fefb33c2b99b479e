// The playground's controls, plain DOM (no Observable Inputs: one widget, one state). Every
// change goes through the link's codec (state.js: with_field), so a control accepts exactly
// what a link would carry and says in words what is wrong with a bad entry.
//
// Keyboard: on the page the controls keep their usual behaviour (Tab, arrows in a select,
// space on a checkbox). On a slide (mode "deck") a select, checkbox or text box gives the
// keyboard back once its change is made, so the arrow keys and a presenter's clicker change
// the slide again (slides/keyboard-fix.html does the same for sliders and buttons).

import {OPTIMIZER_NAMES, DEFAULT_HYPER, SURFACE_NAMES, SCHEDULE_NAMES} from "./core.js";
import {OPTIMIZER_COLORS, OPTIMIZER_DASHES, PATH_WIDTH} from "./view.js";
import {
  FULL_BATCH,
  MAX_PLAYGROUND_STEPS,
  SCHEDULE_PARAM_LIMITS,
  SURFACE_PARAM_LIMITS,
  clone_state,
  with_field,
  with_schedule,
  with_surface,
} from "./state.js";
import {label_of} from "./readout.js";
import {line_sample} from "../plots/legend.js";

const SAFE = /^[A-Za-z0-9_.,+-]*$/;

function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

// app: {state(), set(state), error(text), actions: {...}}; mode: "page" | "deck"
export function make_controls(app, mode) {
  const root = el("div", {class: "pg-controls"});
  const texts = new Map(); // link key -> text input
  const give_back = (node) => {
    if (mode === "deck") setTimeout(() => node.blur(), 0);
  };

  function plain_box(key, label, size) {
    const input = el("input", {
      type: "text",
      class: "pg-text",
      size: String(size),
      spellcheck: "false",
      autocomplete: "off",
      inputmode: "decimal",
      "aria-label": label,
      "data-key": key,
    });
    return [input, el("label", {class: "pg-field"}, [el("span", {text: label}), input])];
  }

  function text_box(key, label, {size = 7} = {}) {
    const [input, field] = plain_box(key, label, size);
    input.addEventListener("change", () => {
      const text = input.value.trim();
      const result =
        SAFE.test(text) && text !== ""
          ? with_field(app.state(), key, text)
          : {state: null, error: `${key} must be a number, got "${text.slice(0, 40)}"`};
      if (result.error) {
        input.setAttribute("aria-invalid", "true");
        app.error(`Not applied: ${result.error}.`);
      } else {
        input.removeAttribute("aria-invalid");
        app.set(result.state);
      }
      give_back(input);
    });
    texts.set(key, input);
    return field;
  }

  function select(label, names, value, on_change, describe = (n) => n) {
    const node = el("select", {"aria-label": label, class: "pg-select"});
    for (const name of names) node.append(el("option", {value: name, text: describe(name)}));
    node.value = value;
    node.addEventListener("change", () => {
      on_change(node.value);
      give_back(node);
    });
    return node;
  }

  // --- surface
  const surface_select = select(
    "surface",
    SURFACE_NAMES,
    app.state().surface,
    (name) => app.set(with_surface(app.state(), name)),
    (n) => n.replace("_", " "),
  );
  const surface_params = el("div", {class: "pg-row"});
  // start is one field of the link ("x,y"): both boxes write it together.
  const [start_x_input, start_x] = plain_box("start", "start x", 7);
  const [start_y_input, start_y] = plain_box("start", "y", 7);
  const start_inputs = [start_x_input, start_y_input];
  start_inputs.forEach((input) =>
    input.addEventListener("change", () => {
      const dim = app.state().start.length;
      const text = start_inputs
        .slice(0, dim)
        .map((i) => i.value.trim())
        .join(",");
      const result = SAFE.test(text)
        ? with_field(app.state(), "start", text)
        : {state: null, error: `start must be numbers, got "${text.slice(0, 40)}"`};
      if (result.error) {
        input.setAttribute("aria-invalid", "true");
        app.error(`Not applied: ${result.error}.`);
      } else {
        start_inputs.forEach((i) => i.removeAttribute("aria-invalid"));
        app.set(result.state);
      }
      give_back(input);
    }),
  );
  // On the slide, what does not fit at projection size is folded into `more_panel` (the widget
  // puts it under its "More settings" button).
  const more_panel = el("div", {class: "pg-more-panel"});
  if (mode !== "deck") {
    root.append(
      el("fieldset", {class: "pg-group"}, [
        el("legend", {text: "Surface"}),
        surface_select,
        surface_params,
        el("div", {class: "pg-row"}, [start_x, start_y]),
        el("div", {class: "pg-hint", text: "or click the plot to set the start"}),
      ]),
    );
  }

  // --- optimizers
  const checks = new Map();
  const parts = OPTIMIZER_NAMES.map((name) => {
    const check = el("input", {type: "checkbox", "aria-label": `run ${label_of(name)}`, "data-optimizer": name});
    check.addEventListener("change", () => {
      const next = clone_state(app.state());
      const on = new Set(next.enabled);
      if (check.checked) on.add(name);
      else on.delete(name);
      next.enabled = OPTIMIZER_NAMES.filter((n) => on.has(n));
      app.set(next);
      give_back(check);
    });
    checks.set(name, check);
    const hyper_keys = Object.keys(DEFAULT_HYPER[name]);
    const details = el("details", {class: hyper_keys.length ? "pg-hyper" : "pg-hyper pg-none"}, [
      el("summary", {text: hyper_keys.length ? "more" : "", title: `${label_of(name)} hyperparameters`}),
      ...hyper_keys.map((key) => text_box(`${name}.${key}`, key)),
    ]);
    return {name, check, lr: text_box(`lr.${name}`, "lr", {size: 5}), details};
  });
  // The rows whose look follows the ticks (dimmed when off).
  let optimizer_rows;
  if (mode === "deck") {
    // The slide: the tick boxes in two columns, each with its path's colour and dash pattern as
    // the plot's legend; learning rates and hyperparameters folded under "More settings".
    optimizer_rows = parts.map(({name, check}) =>
      el("label", {class: "pg-check pg-opt", "data-optimizer": name}, [check, optimizer_sample(name), el("span", {text: label_of(name)})]),
    );
    const grid = el("div", {class: "pg-opts", role: "group", "aria-label": "optimizers"}, optimizer_rows);
    root.prepend(el("label", {class: "pg-row"}, [el("span", {class: "pg-name", text: "surface"}), surface_select]));
    root.append(grid);
    const more_rows = parts.map(({name, lr, details}) =>
      el("div", {class: "pg-opt", "data-optimizer": name}, [
        el("div", {class: "pg-row"}, [el("span", {class: "pg-opt-name", text: label_of(name)}), lr, details]),
      ]),
    );
    optimizer_rows.push(...more_rows);
    more_panel.append(el("fieldset", {class: "pg-group"}, [el("legend", {text: "Learning rates and hyperparameters"}), ...more_rows]));
  } else {
    optimizer_rows = parts.map(({name, check, lr, details}) => {
      const swatch = el("span", {class: "pg-swatch"});
      swatch.style.background = OPTIMIZER_COLORS[name];
      return el("div", {class: "pg-opt", "data-optimizer": name}, [
        el("div", {class: "pg-row"}, [el("label", {class: "pg-check"}, [check, swatch, el("span", {text: label_of(name)})]), lr, details]),
      ]);
    });
    root.append(el("fieldset", {class: "pg-group"}, [el("legend", {text: "Optimizers"}), ...optimizer_rows]));
  }

  // --- schedule, noise, steps
  const schedule_select = select(
    "schedule",
    SCHEDULE_NAMES,
    app.state().schedule,
    (name) => app.set(with_schedule(app.state(), name)),
    (n) => n.replace("_", " "),
  );
  const schedule_params = el("div", {class: "pg-row"});

  const batch_range = el("input", {
    type: "range",
    min: "0",
    max: String(Math.log2(FULL_BATCH)),
    step: "1",
    "aria-label": "mini-batch size (powers of 2)",
    class: "pg-range",
  });
  batch_range.addEventListener("input", () => app.set(with_field(app.state(), "batch", String(2 ** Number(batch_range.value))).state));
  const new_seed = el("button", {type: "button", class: "pg-button", text: "New seed"});
  new_seed.addEventListener("click", () => app.set(with_field(app.state(), "seed", String(1 + Math.floor(Math.random() * 999999))).state));

  const steps_range = el("input", {
    type: "range",
    min: "1",
    max: String(MAX_PLAYGROUND_STEPS),
    step: "1",
    "aria-label": "steps",
    class: "pg-range",
  });
  steps_range.addEventListener("input", () => app.set(with_field(app.state(), "steps", steps_range.value).state));

  if (mode === "deck") {
    root.append(
      el("label", {class: "pg-row"}, [el("span", {class: "pg-name", text: "schedule"}), schedule_select]),
      el("div", {class: "pg-row"}, [batch_range, text_box("batch", "batch B", {size: 4})]),
      el("div", {class: "pg-row"}, [steps_range, text_box("steps", "steps", {size: 4})]),
    );
    more_panel.prepend(
      el("fieldset", {class: "pg-group"}, [
        el("legend", {text: "Surface"}),
        surface_params,
        el("div", {class: "pg-row"}, [start_x, start_y]),
        el("div", {class: "pg-hint", text: "or click the plot to set the start"}),
      ]),
    );
    more_panel.append(
      el("fieldset", {class: "pg-group"}, [
        el("legend", {text: "Schedule and noise"}),
        schedule_params,
        el("div", {class: "pg-row"}, [text_box("seed", "seed", {size: 7}), new_seed]),
        el("div", {class: "pg-hint", text: `B = ${FULL_BATCH} is the full batch: no noise`}),
      ]),
    );
  } else {
    root.append(el("fieldset", {class: "pg-group"}, [el("legend", {text: "Learning-rate schedule"}), schedule_select, schedule_params]));
    root.append(
      el("fieldset", {class: "pg-group"}, [
        el("legend", {text: "Mini-batch noise"}),
        el("div", {class: "pg-row"}, [batch_range, text_box("batch", "B", {size: 5})]),
        el("div", {class: "pg-row"}, [text_box("seed", "seed", {size: 7}), new_seed]),
        el("div", {class: "pg-hint", text: `B = ${FULL_BATCH} is the full batch: no noise`}),
      ]),
    );
    root.append(
      el("fieldset", {class: "pg-group"}, [
        el("legend", {text: "Steps"}),
        el("div", {class: "pg-row"}, [steps_range, text_box("steps", "steps", {size: 5})]),
      ]),
    );
  }

  let shown_surface = null;
  let shown_schedule = null;

  // Shows the state in the controls. A box that has the keyboard is left alone.
  function sync(state) {
    if (shown_surface !== state.surface) {
      shown_surface = state.surface;
      for (const key of [...texts.keys()]) if (key.startsWith("surface.")) texts.delete(key);
      surface_params.replaceChildren(
        ...Object.keys(SURFACE_PARAM_LIMITS[state.surface]).map((key) => text_box(`surface.${key}`, key, {size: 5})),
      );
      start_y.hidden = state.start.length < 2;
    }
    if (shown_schedule !== state.schedule) {
      shown_schedule = state.schedule;
      for (const key of [...texts.keys()]) if (key.startsWith("schedule.")) texts.delete(key);
      schedule_params.replaceChildren(
        ...Object.keys(SCHEDULE_PARAM_LIMITS[state.schedule]).map((key) => text_box(`schedule.${key}`, key, {size: 5})),
      );
    }
    const focused = document.activeElement;
    const put = (input, value) => {
      if (input !== focused) {
        input.value = value;
        input.removeAttribute("aria-invalid");
      }
    };
    surface_select.value = state.surface;
    schedule_select.value = state.schedule;
    for (const [key, input] of texts) {
      const [head, tail] = key.split(".");
      let value;
      if (head === "surface") value = state.surface_params[tail];
      else if (head === "schedule") value = state.schedule_params[tail];
      else if (head === "lr") value = state.settings[tail].lr;
      else if (tail !== undefined) value = state.settings[head].hyper[tail];
      else value = state[head];
      put(input, String(value));
    }
    start_inputs.forEach((input, i) => put(input, i < state.start.length ? String(state.start[i]) : ""));
    for (const [name, check] of checks) check.checked = state.enabled.includes(name);
    for (const row of optimizer_rows) row.classList.toggle("pg-off", !state.enabled.includes(row.dataset.optimizer));
    batch_range.value = String(Math.round(Math.log2(state.batch)));
    steps_range.value = String(state.steps);
  }

  return {element: root, more: more_panel, sync};
}

// A short sample of an optimizer's path as the slide's plot draws it: its colour, width and
// dash pattern (the legend of the slide's plot).
function optimizer_sample(name) {
  const style = {color: OPTIMIZER_COLORS[name], dash: OPTIMIZER_DASHES[name], width: PATH_WIDTH};
  return line_sample(style, {length: 40, className: "pg-sample"});
}
