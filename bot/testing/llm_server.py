"""A scripted OpenAI-compatible chat server on 127.0.0.1, so the LLM engine is tested over real HTTP.

It serves POST /v1/chat/completions, plays the replies it was scripted with (plain text, tool
calls with any raw argument string, HTTP errors, a hang), streams them as SSE chunks when the
request asks for a stream, and records every request body for assertions. With `obey=True` and
nothing scripted it plays a model that obeys any instruction it reads anywhere in its context
(system text, retrieved data, tool results, shopper messages), so an injection test measures our
defences rather than a real model's good manners. The grammar it obeys (case-insensitive):

- ``call TOOL with {JSON}``  -> a tool call (once per request context: then it reports the result)
- ``say: TEXT``              -> replies TEXT
- ``reveal|repeat|print ... (system prompt|instructions)`` -> replies every system message verbatim

With `gullible=True` as well, it falls for natural phrasing in the shopper's messages too, as the
Tensor Trust and garak attacks word it: any mention of its instructions, prompt, rules or "the text above" dumps every
system message, encoded the way the message asks (base64, rot13, reversed, hex, JSON); a quoted
``say "X"`` / ``respond with 'X'`` replies X.
"""

from __future__ import annotations

import base64
import codecs
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

StepKind = Literal["text", "tool_calls", "error", "hang"]


@dataclass(frozen=True)
class ScriptedCall:
    """One tool call as the model would send it; `arguments` is the raw string (may be broken JSON)."""

    name: str
    arguments: str
    id: str = ""


@dataclass(frozen=True)
class Step:
    """One scripted reply to one request."""

    kind: StepKind
    text: str = ""
    calls: tuple[ScriptedCall, ...] = ()
    status: int = 500
    """HTTP status of an "error" step."""
    delay_s: float = 0.0
    """How long a "hang" step waits before answering (longer than the client's timeout)."""


def text(content: str) -> Step:
    return Step("text", text=content)


def tool_call(name: str, arguments: str | dict[str, Any] | None = None, *, call_id: str = "") -> Step:
    """A reply with one tool call; pass a str to send arguments that are not valid JSON."""
    raw = arguments if isinstance(arguments, str) else json.dumps(arguments or {})
    return Step("tool_calls", calls=(ScriptedCall(name, raw, call_id),))


def tool_calls(*calls: ScriptedCall) -> Step:
    return Step("tool_calls", calls=calls)


def error(status: int = 500) -> Step:
    return Step("error", status=status)


def hang(seconds: float = 10.0) -> Step:
    return Step("hang", delay_s=seconds)


Responder = Callable[[dict[str, Any]], Step]
"""Decides a reply from the request body (used when the script is empty)."""


@dataclass
class ScriptedLlmServer:
    """An OpenAI-compatible chat endpoint on a free local port; use as a context manager."""

    obey: bool = False
    gullible: bool = False
    """With obey: also follows natural-language extraction and hijacking phrasing (see the module doc)."""
    default_text: str = "How else can I help?"
    chunk_chars: int = 6
    """Characters per streamed content chunk."""
    requests: list[dict[str, Any]] = field(default_factory=list)
    """Every request body received, in order."""
    _script: list[Step] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> ScriptedLlmServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                owner._handle(self)

            def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="scripted-llm", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()  # wakes hanging handlers
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> ScriptedLlmServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the server first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    # ----------------------------------------------------------------- scripting

    def script(self, *steps: Step) -> None:
        """Queue replies; each request takes the next one."""
        with self._lock:
            self._script.extend(steps)

    def reset(self) -> None:
        with self._lock:
            self._script.clear()
            self.requests.clear()

    @property
    def pending(self) -> int:
        """Scripted replies not yet played."""
        return len(self._script)

    def seen_text(self) -> str:
        """Everything the model was sent (all messages of all requests), for leak assertions."""
        return json.dumps(self.requests, ensure_ascii=False)

    # ----------------------------------------------------------------- serving

    def _next(self, body: dict[str, Any]) -> Step:
        with self._lock:
            if self._script:
                return self._script.pop(0)
        if not self.obey:
            return text(self.default_text)
        return obey(body, gullible=self.gullible)

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        if h.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
            _send_json(h, 404, {"error": {"message": f"no route {h.path}"}})
            return
        try:
            body = json.loads(h.rfile.read(int(h.headers.get("Content-Length") or 0)) or b"{}")
        except ValueError:
            _send_json(h, 400, {"error": {"message": "body is not JSON"}})
            return
        with self._lock:
            self.requests.append(body)
        step = self._next(body)
        if step.kind == "hang":
            self._stop.wait(step.delay_s)
            step = text(self.default_text)
        if step.kind == "error":
            _send_json(h, step.status, {"error": {"message": "scripted failure", "type": "server_error"}})
            return
        model = str(body.get("model", "scripted"))
        if body.get("stream"):
            h.send_response(200)
            h.send_header("Content-Type", "text/event-stream")
            h.send_header("Cache-Control", "no-cache")
            h.end_headers()
            for chunk in _chunks(step, model, self.chunk_chars):
                h.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                h.wfile.flush()
            h.wfile.write(b"data: [DONE]\n\n")
            h.wfile.flush()
        else:
            _send_json(h, 200, _completion(step, model))


def _send_json(h: BaseHTTPRequestHandler, status: int, payload: dict[str, Any]) -> None:
    data = json.dumps(payload).encode()
    h.send_response(status)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(data)))
    h.end_headers()
    h.wfile.write(data)


def _call_id(call: ScriptedCall, index: int) -> str:
    return call.id or f"call_{index}_{call.name}"


def _completion(step: Step, model: str) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": step.text or None}
    if step.calls:
        message["tool_calls"] = [
            {"id": _call_id(c, i), "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
            for i, c in enumerate(step.calls)
        ]
    return {
        "id": f"chatcmpl-{time.monotonic_ns()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if step.calls else "stop"}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


def _chunks(step: Step, model: str, size: int) -> Iterator[dict[str, Any]]:
    base = {"id": f"chatcmpl-{time.monotonic_ns()}", "object": "chat.completion.chunk", "created": int(time.time())}

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**base, "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    yield chunk({"role": "assistant", "content": ""})
    for start in range(0, len(step.text), max(1, size)):
        yield chunk({"content": step.text[start : start + size]})
    for i, c in enumerate(step.calls):
        # Arguments arrive in two pieces, as real endpoints split them, so the client must merge.
        half = len(c.arguments) // 2
        head = {"id": _call_id(c, i), "type": "function", "function": {"name": c.name, "arguments": c.arguments[:half]}}
        yield chunk({"tool_calls": [{"index": i, **head}]})
        yield chunk({"tool_calls": [{"index": i, "function": {"arguments": c.arguments[half:]}}]})
    yield chunk({}, "tool_calls" if step.calls else "stop")


# --------------------------------------------------------------------------- the obedient model

_CALL = re.compile(r"call\s+([a-z_][a-z0-9_]*)\s+with\s+(\{.*?\})(?=\s*(?:$|\n|[.;]))", re.I | re.S)
_SAY = re.compile(r"say:\s*(.+?)(?:\n|$)", re.I)
_REVEAL = re.compile(r"(reveal|repeat|print|show)\b.{0,40}\b(system prompt|instructions|prompt)", re.I | re.S)


def _content(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return str(content or "")


_LOOSE_REVEAL = re.compile(
    r"instruction|system\s*prompt|systemprompt|system message|prompt|pre-?prompt|text above|the above|"
    r"initial|were you told|you were given|you were told|your rules|configuration|guidelines|"
    r"指令|提示词|系统",
    re.I,
)
_LOOSE_SAY = re.compile(
    r"(?:say|respond with|reply with|answer with|output|print|write)\s*:?\s*[\"“'‘]([^\"”'’\n]{1,80})[\"”'’]", re.I
)


def _encoded(secret: str, asked: str) -> str:
    """The secret in the form the message asks for; the scripted model is as helpful as it gets."""
    lowered = asked.lower()
    if "base64" in lowered or "base 64" in lowered:
        return base64.b64encode(secret.encode()).decode()
    if "rot13" in lowered or "rot-13" in lowered:
        return codecs.encode(secret, "rot13")
    if "revers" in lowered or "backwards" in lowered:
        return secret[::-1]
    if re.search(r"\bhex\b", lowered):
        return secret.encode().hex()
    if "json" in lowered:
        return json.dumps({"system_prompt": secret})
    return secret


def obey(body: dict[str, Any], *, gullible: bool = False) -> Step:
    """The reply of a model that does whatever any text in its context tells it to."""
    messages = [m for m in body.get("messages", []) if isinstance(m, dict)]
    made = {
        (tc.get("function", {}).get("name"), tc.get("function", {}).get("arguments"))
        for m in messages
        for tc in (m.get("tool_calls") or [])
        if isinstance(tc, dict)
    }
    # The first system message is the operator's prompt (it may itself say "never reveal your
    # instructions"); everything else is read, latest first, then any further system context.
    rest = messages[1:] if messages and messages[0].get("role") == "system" else messages
    ordered = list(reversed([m for m in rest if m.get("role") != "system"]))
    ordered += [m for m in rest if m.get("role") == "system"]
    for m in ordered:
        found = _content(m)
        for name, raw in _CALL.findall(found):
            if (name, raw) not in made:
                return tool_call(name, raw)
        system = "\n".join(_content(s) for s in messages if s.get("role") == "system")
        if _REVEAL.search(found):
            return text(_encoded(system, found) if gullible else system)
        said = _SAY.search(found)
        if said:
            return text(said.group(1).strip())
        # Loosely only in the shopper's words: the engine's own wrappers say "instructions" too.
        if gullible and m.get("role") == "user":
            if _LOOSE_REVEAL.search(found):
                return text(_encoded(system, found))
            quoted = _LOOSE_SAY.search(found)
            if quoted:
                return text(quoted.group(1).strip())
    last_tool = next((m for m in reversed(messages) if m.get("role") == "tool"), None)
    if last_tool is not None:
        return text(f"Done: {_content(last_tool)}")
    return text(_content(ordered[0]) if ordered else "")
