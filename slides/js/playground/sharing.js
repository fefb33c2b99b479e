// Handing a run to someone else: a file to download, a link to the clipboard. Shared by the
// optimizer playground and the live trainer (their CSV and their links).

/** Saves `text` as a file named `filename` (the browser's download). */
export function download_text(filename, text, type = "text/csv") {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], {type}));
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** Puts `text` on the clipboard; resolves to whether that worked. */
export async function copy_text(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // no clipboard API (not a secure context, e.g. the site served over http:// on a LAN):
    // copy from a selected text box
    const box = document.createElement("textarea");
    box.value = text;
    box.style.position = "fixed";
    box.style.opacity = "0";
    document.body.append(box);
    box.select();
    let done = false;
    try {
      done = document.execCommand("copy");
    } catch {
      done = false;
    }
    box.remove();
    return done;
  }
}
