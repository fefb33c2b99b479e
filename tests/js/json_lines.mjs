// What the pytest workers share: one JSON request per line on stdin, one reply per line on
// stdout ({ok} or {error} with the JS Error's message), and numbers as raw float64 bytes
// (base64), since JSON would turn -0 into 0.
import {createInterface} from "node:readline";

export const encode = (numbers) => Buffer.from(new Float64Array(numbers).buffer).toString("base64");

// Answers each request line with handlers[request.op](request), until stdin closes.
export async function serve(handlers) {
  const lines = createInterface({input: process.stdin, crlfDelay: Infinity});
  for await (const line of lines) {
    let reply;
    try {
      const request = JSON.parse(line);
      reply = {ok: await handlers[request.op](request)};
    } catch (error) {
      reply = {error: String(error && error.message ? error.message : error)};
    }
    process.stdout.write(JSON.stringify(reply) + "\n");
  }
}
