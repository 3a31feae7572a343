"""A local image server speaking two wire formats, returning real PNGs.

- OpenAI-compatible Images API: `POST /v1/images/generations` (JSON) and
  `POST /v1/images/edits` (multipart/form-data, the reference as the `image` file part),
  answering `{"created", "data": [{"b64_json"}], "usage"}`; a key containing `revoked`
  gets a 401 shaped like the real one; a prompt containing `FORBIDDEN` a 400
  `moderation_blocked`.
- Google's Gemini API: `POST /v1beta/models/<model>:generateContent` answering
  candidates with an `inlineData` image part; a prompt containing `FORBIDDEN` gets no
  candidate and a `promptFeedback.blockReason`.

Images are figures drawn with Pillow on plain paper, in the colour the prompt names
("red", "blue", …; grey otherwise), each candidate a slightly different shade; `side`
sets their short side (small ones are refused by the reference checks on pick).
Every request is recorded, with the names and sizes of uploaded files.
"""

from __future__ import annotations

import base64
import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from PIL import Image, ImageDraw

from tests.fake_provider_http import _parse_body, error_body

COLOURS = {
    "red": (200, 30, 40), "blue": (30, 60, 200), "green": (30, 160, 60),
    "yellow": (230, 200, 40), "purple": (130, 40, 170),
}  # fmt: skip


def figure(prompt: str, index: int, size: tuple[int, int]) -> bytes:
    """A PNG of a figure in the prompt's colour (the first one named), shade by index."""
    lowered = prompt.lower()
    named = [(lowered.find(word), rgb) for word, rgb in COLOURS.items() if word in lowered]
    base = min(named)[1] if named else (128, 128, 128)
    colour = tuple(max(0, min(255, c + 12 * index)) for c in base)
    width, height = size
    image = Image.new("RGB", size, (236, 234, 228))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(
        [width * 0.3, height * 0.1, width * 0.7, height * 0.35], radius=20, fill=colour
    )
    draw.rectangle([width * 0.25, height * 0.37, width * 0.75, height * 0.8], fill=colour)
    draw.rectangle([width * 0.3, height * 0.8, width * 0.42, height * 0.95], fill=(60, 60, 60))
    draw.rectangle([width * 0.58, height * 0.8, width * 0.7, height * 0.95], fill=(60, 60, 60))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


class FakeImages:
    def __init__(self) -> None:
        self.side = 0  # 0: the size asked for; else square images of this side
        self.delay = 0.0  # seconds before answering (the page shows progress meanwhile)
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    @property
    def google_base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeImages:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def size(self, asked: str) -> tuple[int, int]:
        if self.side:
            return (self.side, self.side)
        width, _, height = (asked or "1024x1024").partition("x")
        return (int(width), int(height)) if width.isdigit() and height.isdigit() else (1024, 1024)


def _handler_for(fake: FakeImages) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

        def _send(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            body = _parse_body(self.headers, raw)
            key = self.headers.get("Authorization", "").removeprefix("Bearer ") or self.headers.get(
                "x-goog-api-key", ""
            )
            files = {k: len(v) for k, v in body.items() if isinstance(v, bytes)}
            magic = {
                k: v[:8] == b"\x89PNG\r\n\x1a\n" for k, v in body.items() if isinstance(v, bytes)
            }
            with fake.lock:
                fake.requests.append({
                    "path": self.path, "key": key, "files": files, "png": magic,
                    "body": {k: v for k, v in body.items() if not isinstance(v, bytes)},
                })  # fmt: skip
            time.sleep(fake.delay)
            if "revoked" in key:
                wrong = f"Incorrect API key provided: {key}."  # real APIs echo the key
                return self._send(401, error_body(wrong, code="invalid_api_key"))
            if self.path in ("/v1/images/generations", "/v1/images/edits"):
                return self._openai(body)
            if self.path.split("?")[0].endswith(":generateContent"):
                return self._gemini(body)
            return self._send(404, error_body(f"Invalid URL (POST {self.path})"))

        def _openai(self, body: dict[str, Any]) -> None:
            prompt = str(body.get("prompt", ""))
            if "FORBIDDEN" in prompt:
                message = "Your request was rejected by the safety system."
                return self._send(400, error_body(message, code="moderation_blocked"))
            count = int(body.get("n") or 1)
            size = fake.size(str(body.get("size", "")))
            data = [
                {"b64_json": base64.b64encode(figure(prompt, i, size)).decode()}
                for i in range(count)
            ]
            usage = {"input_tokens": 50, "output_tokens": 4000 * count, "total_tokens": 4050}
            self._send(200, {"created": int(time.time()), "data": data, "usage": usage})

        def _gemini(self, body: dict[str, Any]) -> None:
            parts = [p for c in body.get("contents", []) for p in c.get("parts", [])]
            prompt = " ".join(str(p.get("text", "")) for p in parts)
            if "FORBIDDEN" in prompt:
                feedback = {"blockReason": "SAFETY", "blockReasonMessage": "Blocked for safety."}
                return self._send(200, {"promptFeedback": feedback})
            with fake.lock:
                index = len(fake.requests)
            image = base64.b64encode(figure(prompt, index % 4, fake.size("1024x1536"))).decode()
            content = {
                "role": "model",
                "parts": [{"inlineData": {"mimeType": "image/png", "data": image}}],
            }
            self._send(
                200, {"candidates": [{"content": content, "finishReason": "STOP", "index": 0}]}
            )

    return Handler
