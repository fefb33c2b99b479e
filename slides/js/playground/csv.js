// The current run as CSV: one row per optimizer and step, every number written with String(x)
// (the shortest text that reads back as the same double). Pure; pygen/replay.py writes the
// same bytes for the same link.

export const CSV_HEADER = ["optimizer", "step", "x", "y", "loss", "grad_norm", "lr", "status"];

// runs: run_playground(state) output. A run the core refused has no rows.
export function runs_csv(runs) {
  const lines = [CSV_HEADER.join(",")];
  for (const {optimizer, result} of runs) {
    if (!result) continue;
    for (const row of result.rows) {
      const y = row.theta.length > 1 ? String(row.theta[1]) : "";
      lines.push(
        [optimizer, row.step, String(row.theta[0]), y, String(row.loss), String(row.grad_norm), String(row.lr), row.status].join(","),
      );
    }
  }
  return lines.join("\n") + "\n";
}
