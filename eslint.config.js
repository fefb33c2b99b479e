// ESLint for the project's own JavaScript (run by tests/test_lint.py, or `npx eslint .`).
// No plugin packages: the rules and globals are listed here, so the config loads with eslint
// alone (pinned in package-lock.json).

const BROWSER = Object.fromEntries([
  "document", "window", "Event", "console", "structuredClone", "requestAnimationFrame", "cancelAnimationFrame",
  "performance", "setTimeout", "clearTimeout", "URL", "history", "Blob", "navigator", "location",
  "MutationObserver", "NodeFilter", "getComputedStyle", "atob", "TextDecoder", "Worker", "fetch",
].map((name) => [name, "readonly"]));
// A module Web Worker's global scope (slides/js/training/worker.js).
const WORKER = {self: "readonly", fetch: "readonly", setTimeout: "readonly", URL: "readonly"};
const NODE = {process: "readonly", Buffer: "readonly", console: "readonly", URL: "readonly"};

const RULES = {
  "no-undef": "error",
  "no-unused-vars": ["error", {args: "none", caughtErrors: "none"}],
  "no-redeclare": "error",
  "no-dupe-keys": "error",
  "no-dupe-args": "error",
  "no-duplicate-imports": "error",
  "no-unreachable": "error",
  "no-self-assign": "error",
  "no-self-compare": "error",
  "no-shadow-restricted-names": "error",
  "no-var": "error",
  "prefer-const": "error",
  "eqeqeq": ["error", "always"],
  "no-prototype-builtins": "error",
};

export default [
  {ignores: ["node_modules/**", "slides/vendor/**", "vendor/**", "tests/vendor/**", "_site/**", "slides/js/*.bundle.js", "tests/fixtures/**", ".quarto/**"]},
  {
    // Quarto's resource scanner parses the deck's modules as ES2020 and does not follow a file
    // it cannot parse: newer syntax here is an error.
    files: ["slides/js/**/*.js"],
    languageOptions: {ecmaVersion: 2020, sourceType: "module", globals: BROWSER},
    rules: RULES,
  },
  {
    files: ["slides/js/training/worker.js"],
    languageOptions: {ecmaVersion: 2020, sourceType: "module", globals: WORKER},
    rules: RULES,
  },
  {
    // The harness's in-page script (bundled by esbuild, runs in Chromium).
    files: ["tests/harness/js/*.js"],
    languageOptions: {ecmaVersion: "latest", sourceType: "module", globals: BROWSER},
    rules: RULES,
  },
  {
    files: ["tests/js/**/*.mjs", "tests/harness/js/*.mjs", "scripts/**/*.mjs", "eslint.config.js"],
    languageOptions: {ecmaVersion: "latest", sourceType: "module", globals: NODE},
    rules: RULES,
  },
];
