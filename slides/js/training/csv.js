// The live runs as CSV: one line per run and epoch, every number written with String(x) (the
// shortest text that reads back as the same double), lambda1 empty where it was not estimated.
// Pure; pygen/training_link.py writes the same bytes for the same link (`pygen replay`).

export const TRAINING_CSV_HEADER = ["run", "optimizer", "epoch", "step", "lr", "train_loss", "test_loss", "lambda1", "status"];

// runs: [{optimizer, rows}] in the link's order; rows as the trainer made them (the rows a
// paused run has so far: a prefix of the whole run's).
export function training_csv(runs) {
  const lines = [TRAINING_CSV_HEADER.join(",")];
  runs.forEach(({optimizer, rows}, i) => {
    for (const row of rows) {
      const lambda1 = row.lambda1 === null || row.lambda1 === undefined ? "" : String(row.lambda1);
      lines.push(
        [i + 1, optimizer, row.epoch, row.step, String(row.lr), String(row.train_loss), String(row.test_loss), lambda1, row.status].join(","),
      );
    }
  });
  return lines.join("\n") + "\n";
}
