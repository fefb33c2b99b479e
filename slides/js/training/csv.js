// The live runs as CSV: one line per run and epoch, every number written with String(x) (the
// shortest text that reads back as the same double), empty where a value is null (lambda1 where it
// was not estimated, the losses of a diverged run's last row).
// Pure; pygen/training_link.py writes the same bytes for the same link (`pygen replay`).

export const TRAINING_CSV_HEADER = ["run", "optimizer", "epoch", "step", "lr", "train_loss", "test_loss", "lambda1", "status"];

// runs: [{optimizer, rows}] in the link's order; rows as the trainer made them (the rows a
// paused run has so far: a prefix of the whole run's).
// A number, or "" for null (lambda1 where it was not estimated; the losses of a diverged run's last row).
const cell = (value) => (value === null || value === undefined ? "" : String(value));

export function training_csv(runs) {
  const lines = [TRAINING_CSV_HEADER.join(",")];
  runs.forEach(({optimizer, rows}, i) => {
    for (const row of rows) {
      lines.push(
        [
          i + 1,
          optimizer,
          row.epoch,
          row.step,
          cell(row.lr),
          cell(row.train_loss),
          cell(row.test_loss),
          cell(row.lambda1),
          row.status,
        ].join(","),
      );
    }
  });
  return lines.join("\n") + "\n";
}
