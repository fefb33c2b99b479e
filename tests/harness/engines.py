"""Firefox and WebKit behind the part of Playwright's page API that the harness uses.

Chromium is driven by Playwright itself (runner.py). Playwright's own Firefox and WebKit builds
cannot be installed here, so the other two engines are Debian's, driven by the protocols they
speak (/work/shared/browsers.md):

- Firefox ESR speaks WebDriver BiDi natively: `FirefoxEngine` starts it with a scratch profile
  and talks BiDi over a websocket (no geckodriver). Console and page errors and every request
  arrive as BiDi events from the first byte of the page; requests to any host but the loopback
  go to a dead proxy (refused) and are reported.
- WebKitGTK: `WebKitEngine` drives the MiniBrowser through WebKitWebDriver (Selenium, classic
  WebDriver) on a virtual X display (Xvfb). Classic WebDriver has no event stream: the site
  server puts a small collector of errors and of requests to other hosts first into each HTML
  page's <head> (`EARLY_COLLECTOR`, the only change to what is served), and the engine reads it
  back.

Both return an `EnginePage` with goto / wait_for_function / add_script_tag / evaluate /
locator(...).click / bounding_box / dispatch_event / mouse.click / keyboard.press / touch.tap /
viewport_size / screenshot, called with Playwright's arguments, so `DeckRun` and the checks in
js/ are one harness for the three engines (runner.py, `HarnessSession(engine=...)`).
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

FIREFOX = os.environ.get("HARNESS_FIREFOX", "/usr/bin/firefox-esr")
WEBKIT_DRIVER = os.environ.get("HARNESS_WEBKIT_DRIVER", "/usr/bin/WebKitWebDriver")
MINIBROWSER = os.environ.get("HARNESS_MINIBROWSER", "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser")
ENGINES = ("chromium", "firefox", "webkit")

# WebDriver key codes of the keys the harness presses (Playwright's names).
KEYS = {"ArrowRight": "\ue014", "ArrowLeft": "\ue012", "ArrowUp": "\ue013", "ArrowDown": "\ue015",
        "Enter": "\ue007", "Escape": "\ue00c", "Tab": "\ue004", "Space": " ", "Home": "\ue011", "End": "\ue010"}

# Run first in every HTML page under WebKit (the server inserts it, see module doc): errors,
# rejected promises, console.error, and resources requested from any host but the loopback.
EARLY_COLLECTOR = """<script>(() => {
  const events = window.__harness_events = [];
  const loopback = new Set(["127.0.0.1", "localhost", "[::1]"]);
  const outside = (url) => { try { const u = new URL(url, location.href);
    return /^(https?|wss?):$/.test(u.protocol) && !loopback.has(u.hostname); } catch (e) { return false; } };
  addEventListener("error", (e) => {
    if (e.target && e.target !== window && (e.target.src || e.target.href)) {
      const url = e.target.src || e.target.href;  // a loopback 404 is in the server's log (runner.py)
      if (outside(url)) events.push(["external-request", `request to ${url} refused (offline: only 127.0.0.1 is reachable)`, url]);
    } else {
      events.push(["page-error", String(e.message || e.error), ""]);
    }
  }, true);
  addEventListener("unhandledrejection", (e) => events.push(["page-error", `unhandled rejection: ${e.reason}`, ""]));
  const error = console.error.bind(console);
  console.error = (...args) => { events.push(["console-error", args.map(String).join(" ").slice(0, 500), ""]); error(...args); };
  new PerformanceObserver((list) => { for (const entry of list.getEntries())
    if (outside(entry.name)) events.push(["external-request", `request to ${entry.name} (offline: only 127.0.0.1 is reachable)`,
                                          entry.name]);
  }).observe({type: "resource", buffered: true});
})();</script>"""


def _function_source(js: str) -> str:
    """Playwright's evaluate takes a function or an expression; BiDi and WebDriver want a function."""
    text = js.strip()
    if re.match(r"^(async\s+)?(\([^)]*\)|\w+)\s*=>", text) or text.startswith(("function", "async function")):
        return text
    return f"() => ({text})"


class EngineError(RuntimeError):
    pass


class _Locator:
    def __init__(self, page: "EnginePage", selector: str):
        self.page, self.selector = page, selector

    def bounding_box(self) -> dict | None:
        return self.page.evaluate("""(s) => { const el = document.querySelector(s); if (!el) return null;
          const r = el.getBoundingClientRect();
          return r.width || r.height ? {x: r.left, y: r.top, width: r.width, height: r.height} : null; }""",
                                  self.selector)

    def click(self, timeout: float = 3000, position: dict | None = None):
        deadline = time.monotonic() + timeout / 1000
        while True:
            box = self.bounding_box()
            if box is not None:
                break
            if time.monotonic() > deadline:
                raise EngineError(f"{self.selector}: not visible")
            time.sleep(0.05)
        width, height = self.page.viewport_size["width"], self.page.viewport_size["height"]
        x = box["x"] + (position["x"] if position else box["width"] / 2)
        y = box["y"] + (position["y"] if position else box["height"] / 2)
        if not (0 <= x < width and 0 <= y < height):
            raise EngineError(f"{self.selector}: element is outside of the viewport")
        self.page.mouse.click(x, y)

    def dispatch_event(self, kind: str):
        self.page.evaluate("([s, k]) => document.querySelector(s).dispatchEvent(new MouseEvent(k, {bubbles: true}))",
                           [self.selector, kind])


class EnginePage:
    """The Playwright-like page of a non-Chromium engine; subclasses implement the protocol."""

    def __init__(self, width: int, height: int):
        self.viewport_size = {"width": width, "height": height}
        self.mouse = _Pointer(self, "mouse")
        self.touch = _Pointer(self, "touch")
        self.keyboard = _Keyboard(self)

    def locator(self, selector: str) -> _Locator:
        return _Locator(self, selector)

    def wait_for_function(self, js: str, timeout: float = 30000):
        deadline = time.monotonic() + timeout / 1000
        while not self.evaluate(js):
            if time.monotonic() > deadline:
                raise EngineError(f"timed out after {timeout / 1000:.0f} s waiting for {js[:80]}")
            time.sleep(0.1)

    def add_script_tag(self, content: str):
        self.evaluate("(c) => { const s = document.createElement('script'); s.textContent = c; document.head.append(s); }", content)

    def wait_for_timeout(self, ms: float):
        time.sleep(ms / 1000)

    # implemented per protocol
    def goto(self, url: str, wait_until: str = "load"): ...
    def evaluate(self, js: str, arg=None): ...
    def pointer(self, kind: str, x: float, y: float): ...
    def press(self, key: str): ...
    def screenshot(self, path: str): ...
    def drain_events(self) -> list[tuple[str, str, str]]: ...
    def close(self): ...


class _Pointer:
    def __init__(self, page: EnginePage, kind: str):
        self.page, self.kind = page, kind

    def click(self, x: float, y: float):
        self.page.pointer(self.kind, x, y)

    tap = click


class _Keyboard:
    def __init__(self, page: EnginePage):
        self.page = page

    def press(self, key: str):
        self.page.press(key)


# ---------------------------------------------------------------------------------------------
# Firefox: WebDriver BiDi

FIREFOX_PREFS = {
    "browser.shell.checkDefaultBrowser": False, "browser.startup.homepage_override.mstone": "ignore",
    "browser.startup.page": 0, "browser.tabs.warnOnClose": False, "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False, "app.update.disabledForTesting": True,
    "browser.safebrowsing.malware.enabled": False, "browser.safebrowsing.phishing.enabled": False,
    "network.captive-portal-service.enabled": False, "network.connectivity-service.enabled": False,
    "extensions.update.enabled": False, "browser.aboutwelcome.enabled": False, "remote.prefs.recommended": True,
    # Offline: every host but the loopback goes to a proxy that does not exist (port 9 refuses).
    "network.proxy.type": 1, "network.proxy.http": "127.0.0.1", "network.proxy.http_port": 9,
    "network.proxy.ssl": "127.0.0.1", "network.proxy.ssl_port": 9, "network.proxy.no_proxies_on": "localhost, 127.0.0.1",
    "network.proxy.allow_hijacking_localhost": False, "network.dns.disablePrefetch": True,
    "network.http.speculative-parallel-limit": 0,
}


class FirefoxEngine:
    name = "firefox"

    def __init__(self, headless: bool = True):
        import websocket  # websocket-client, installed with selenium

        if not Path(FIREFOX).exists():
            raise EngineError(f"{FIREFOX} is missing: run `bash scripts/setup.sh` (it installs firefox-esr)")
        self.profile = tempfile.mkdtemp(prefix="harness-firefox-")
        Path(self.profile, "user.js").write_text(
            "".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in FIREFOX_PREFS.items()))
        args = [FIREFOX, "--no-remote", "--profile", self.profile, "--remote-debugging-port=0"]
        self.process = subprocess.Popen(args + (["--headless"] if headless else []) + ["about:blank"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        url = None
        while url is None:
            line = self.process.stderr.readline()
            if not line and self.process.poll() is not None or time.monotonic() > deadline:
                raise EngineError(f"Firefox did not open WebDriver BiDi (exit {self.process.poll()})")
            match = re.search(r"WebDriver BiDi listening on (ws://\S+)", line)
            url = match and match.group(1)
        threading.Thread(target=lambda: [None for _ in self.process.stderr], daemon=True).start()  # drain
        self.ws = websocket.create_connection(url.rstrip("/") + "/session", timeout=None, suppress_origin=True)
        self.ids = itertools.count(1)
        self.pending: dict[int, queue.Queue] = {}
        self.listeners: dict[str, list] = {}
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()
        self.send("session.new", {"capabilities": {"alwaysMatch": {"acceptInsecureCerts": True}}})
        self.send("session.subscribe", {"events": ["log.entryAdded", "network.beforeRequestSent"]})

    def _read(self):
        while True:
            try:
                message = json.loads(self.ws.recv())
            except Exception:  # noqa: BLE001 - the socket closed: wake every waiter
                for q in list(self.pending.values()):
                    q.put({"type": "error", "error": "closed", "message": "Firefox closed the connection"})
                return
            if "id" in message and message["id"] in self.pending:
                self.pending.pop(message["id"]).put(message)
            elif message.get("type") == "event":
                for listener in self.listeners.get(message["params"].get("context") or
                                                   (message["params"].get("source") or {}).get("context"), []):
                    listener(message["method"], message["params"])

    def send(self, method: str, params: dict, timeout: float = 120) -> dict:
        ident = next(self.ids)
        answer: queue.Queue = queue.Queue()
        self.pending[ident] = answer
        with self.lock:
            self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        try:
            message = answer.get(timeout=timeout)
        except queue.Empty:
            raise EngineError(f"Firefox did not answer {method} within {timeout} s") from None
        if message.get("type") == "error":
            raise EngineError(f"{method}: {message.get('error')}: {message.get('message')}")
        return message["result"]

    def new_page(self, width: int, height: int, scale: float = 1, touch: bool = False) -> "FirefoxPage":
        return FirefoxPage(self, width, height, scale, touch)

    def close(self):
        try:
            self.send("browser.close", {}, timeout=10)
        except Exception:  # noqa: BLE001 - closing anyway
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


class FirefoxPage(EnginePage):
    def __init__(self, engine: FirefoxEngine, width: int, height: int, scale: float, touch: bool):
        super().__init__(width, height)
        self.engine = engine
        self.context = engine.send("browsingContext.create", {"type": "tab"})["context"]
        engine.send("browsingContext.setViewport", {"context": self.context, "viewport": {"width": width, "height": height},
                                                    "devicePixelRatio": scale})
        self.events: list[tuple[str, str, str]] = []
        engine.listeners[self.context] = [self._event]

    def _event(self, method: str, params: dict):
        if method == "log.entryAdded" and params.get("level") == "error":
            kind = "page-error" if params.get("type") == "javascript" else "console-error"
            self.events.append((kind, (params.get("text") or "")[:500], ""))
        elif method == "network.beforeRequestSent":
            url = params["request"]["url"]
            host = re.match(r"^[a-z]+://(\[[^\]]*\]|[^/:]*)", url)
            if host and host.group(1) not in ("127.0.0.1", "localhost", "[::1]"):
                self.events.append(("external-request", f"request to {url} refused (offline: only 127.0.0.1 is reachable)", url))

    def goto(self, url: str, wait_until: str = "load"):
        self.engine.send("browsingContext.navigate", {"context": self.context, "url": url, "wait": "complete"})

    def evaluate(self, js: str, arg=None):
        wrapper = (f"async function (a) {{ const v = await ({_function_source(js)})(JSON.parse(a));"
                   " return JSON.stringify(v === undefined ? null : v); }")
        result = self.engine.send("script.callFunction", {
            "functionDeclaration": wrapper, "awaitPromise": True, "target": {"context": self.context},
            "arguments": [{"type": "string", "value": json.dumps(arg)}], "userActivation": True})
        if result["type"] == "exception":
            details = result["exceptionDetails"]
            raise EngineError(f"evaluate: {details.get('text')}")
        return json.loads(result["result"]["value"])

    def pointer(self, kind: str, x: float, y: float):
        self.engine.send("input.performActions", {"context": self.context, "actions": [{
            "type": "pointer", "id": kind, "parameters": {"pointerType": kind},
            "actions": [{"type": "pointerMove", "x": round(x), "y": round(y)},
                        {"type": "pointerDown", "button": 0}, {"type": "pointerUp", "button": 0}]}]})

    def press(self, key: str):
        value = KEYS.get(key, key)
        self.engine.send("input.performActions", {"context": self.context, "actions": [{
            "type": "key", "id": "keyboard", "actions": [{"type": "keyDown", "value": value}, {"type": "keyUp", "value": value}]}]})

    def screenshot(self, path: str):
        data = self.engine.send("browsingContext.captureScreenshot", {"context": self.context})["data"]
        Path(path).write_bytes(base64.b64decode(data))

    def drain_events(self):
        events, self.events = self.events, []
        return events

    def close(self):
        self.engine.listeners.pop(self.context, None)
        self.engine.send("browsingContext.close", {"context": self.context})


# ---------------------------------------------------------------------------------------------
# WebKit: WebKitGTK's MiniBrowser through WebKitWebDriver (Selenium)

class WebKitEngine:
    name = "webkit"
    head_script = EARLY_COLLECTOR  # the site server puts it into every HTML page (module doc)

    def __init__(self, headless: bool = True):
        for path in (WEBKIT_DRIVER, MINIBROWSER, shutil.which("Xvfb") or "/usr/bin/Xvfb"):
            if not Path(path).exists():
                raise EngineError(f"{path} is missing: run `bash scripts/setup.sh` (it installs webkit2gtk-driver and xvfb)")
        self.display = None
        self.xvfb = None
        if headless or not os.environ.get("DISPLAY"):
            read, write = os.pipe()
            self.xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "3840x2200x24", "-nolisten", "tcp"],
                                         pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            os.close(write)
            with os.fdopen(read) as pipe:
                number = pipe.readline().strip()
            if not number:
                raise EngineError("Xvfb did not start")
            self.display = f":{number}"

        self.drivers: dict[int, object] = {}  # device pixel ratio -> its MiniBrowser's WebDriver

    def start_browser(self, scale: float = 1):
        """One MiniBrowser per device pixel ratio for the session (a WebDriver session takes
        seconds to start; starting one per page sometimes never returned). Pages take turns in it;
        see WebKitPage.close. WebKitGTK's WebDriver has no device emulation, but GTK draws a
        window at a whole-number scale when GDK_SCALE says so, and WebKit then reports that
        devicePixelRatio and rasterises at it, as on a HiDPI screen (a Retina iPad is 2)."""
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.service import Service

        if scale != int(scale) or scale < 1:
            raise EngineError(f"WebKitGTK draws at whole-number device pixel ratios only (GDK_SCALE), not {scale}")
        scale = int(scale)
        if scale not in self.drivers:
            options = webdriver.WebKitGTKOptions()
            options.binary_location = MINIBROWSER
            options.add_argument("--automation")
            env = {**os.environ, "GDK_SCALE": str(scale), **({"DISPLAY": self.display} if self.display else {})}
            driver = webdriver.WebKitGTK(options=options, service=Service(executable_path=WEBKIT_DRIVER, env=env))
            driver.set_script_timeout(120)
            self.drivers[scale] = driver
        return self.drivers[scale]

    def new_page(self, width: int, height: int, scale: float = 1, touch: bool = False) -> "WebKitPage":
        return WebKitPage(self, width, height, scale, touch)

    def close(self):
        for driver in self.drivers.values():
            driver.quit()
        if self.xvfb is not None:
            self.xvfb.terminate()
            self.xvfb.wait(timeout=10)


class WebKitPage(EnginePage):
    """A page in the session's MiniBrowser; closing it forgets what the site stored (localStorage,
    e.g. high contrast), so the next page starts as cold as a fresh browser's would."""

    def __init__(self, engine: WebKitEngine, width: int, height: int, scale: float, touch: bool):
        super().__init__(width, height)
        self.driver = engine.start_browser(scale)
        self.set_viewport(width, height)

    def set_viewport(self, width: int, height: int):
        # The window holds the browser's own frame: size it so that the page gets width x height.
        self.driver.set_window_size(width, height)
        inner = self.driver.execute_script("return [innerWidth, innerHeight]")
        if inner != [width, height]:
            self.driver.set_window_size(2 * width - inner[0], 2 * height - inner[1])
        self.viewport_size = {"width": width, "height": height}

    def goto(self, url: str, wait_until: str = "load"):
        self.driver.get(url)

    def evaluate(self, js: str, arg=None):
        answer = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            f"Promise.resolve().then(() => ({_function_source(js)})(JSON.parse(arguments[0])))"
            ".then((v) => done(JSON.stringify({ok: v === undefined ? null : v})),"
            " (e) => done(JSON.stringify({error: String(e && e.stack || e)})));",
            json.dumps(arg))
        answer = json.loads(answer)
        if "error" in answer:
            raise EngineError(f"evaluate: {answer['error'][:500]}")
        return answer["ok"]

    def pointer(self, kind: str, x: float, y: float):
        from selenium.webdriver.common.actions.action_builder import ActionBuilder
        from selenium.webdriver.common.actions.pointer_input import PointerInput

        actions = ActionBuilder(self.driver, mouse=PointerInput(kind, kind))
        actions.pointer_action.move_to_location(round(x), round(y)).pointer_down().pointer_up()
        actions.perform()

    def press(self, key: str):
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self.driver).send_keys(KEYS.get(key, key)).perform()

    def screenshot(self, path: str):
        self.driver.save_screenshot(path)

    def drain_events(self):
        events = self.evaluate("() => (window.__harness_events || []).splice(0)") or []
        return [tuple(e) for e in events]

    def close(self):
        try:
            self.driver.execute_script("try { localStorage.clear(); sessionStorage.clear(); } catch (e) {}")
        finally:
            self.driver.get("about:blank")


def launch(name: str, headless: bool = True):
    """The engine called `name` (not Chromium, which runner.py drives with Playwright)."""
    return {"firefox": FirefoxEngine, "webkit": WebKitEngine}[name](headless=headless)
