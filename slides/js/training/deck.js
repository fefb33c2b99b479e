// The deck's live trainer on the slide "Adam vs SGD on a materials dataset". The widget's modules
// (and, through its workers, the trainer twin and the training data) are fetched when the slide is
// first shown (first_shown in deck_slides.js), never with the deck: a cold load fetches none of
// them. Until then the slide holds an empty box of the widget's height. In print mode the widget
// draws the precomputed reference runs and trains nothing.
//
//   training_shown = first_shown("adam-vs-sgd-on-a-materials-dataset")
//   mount_deck_training({shown: training_shown, training_set: FileAttachment(...), reference: FileAttachment(...)})

import {awaiting_slide, message_plot} from "../plots/readouts.js";

// The widget's height on the slide (DECK_HEIGHT in widget.js).
const DECK_TRAINING_HEIGHT = 560;

export async function mount_deck_training({shown = true, ...options} = {}) {
  if (!shown) return awaiting_slide({width: 960, height: DECK_TRAINING_HEIGHT});
  let widget;
  try {
    widget = await import("./widget.js");
  } catch (error) {
    // a failed fetch of the widget's modules: said on the slide, not an error box
    const text = String(error?.message ?? error);
    return message_plot([`The live trainer could not be loaded (${text.slice(0, 120)}).`], {
      width: 960,
      height: DECK_TRAINING_HEIGHT,
      title: "No live training",
    });
  }
  return widget.mount_training({...options, mode: "deck"});
}
