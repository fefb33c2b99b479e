// Whether the page is reveal.js's print view (?print-pdf, scripts/print_pdf.py): every slide is
// on paper at once, and what is drawn for paper may differ from what is drawn for a slider.
export function printing() {
  return /print-pdf/i.test(globalThis.location?.search ?? "");
}
