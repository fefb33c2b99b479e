// The deck's playground slide ("Try it: optimizer playground"). The widget's thirteen modules are
// fetched when the slide is first shown (first_shown in deck_slides.js), not with the deck: on a
// cold load they were the last of the deck's module requests (issue 10). Until then the slide
// holds an empty box of the widget's height. In print mode, the overview and the speaker view
// first_shown is true at once, so the widget is there as before.
//
//   playground_shown = first_shown("try-it-optimizer-playground")
//   mount_deck_playground({shown: playground_shown})

import {awaiting_slide} from "../plots/readouts.js";

// The height of the deck's playground plot (DECK_SIZES in playground.js).
const DECK_HEIGHT = 500;

export async function mount_deck_playground({shown = true, ...options} = {}) {
  if (!shown) return awaiting_slide({width: 960, height: DECK_HEIGHT});
  const {mount_playground} = await import("./playground.js");
  return mount_playground({...options, mode: "deck"});
}
