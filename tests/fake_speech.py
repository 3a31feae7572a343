"""A local OpenAI-compatible speech server: `POST /v1/audio/speech` as the real API speaks it.

A bearer key, a JSON body (`model`, `voice`, `input`, `speed`, `response_format`,
`instructions`), and the audio bytes back: a real 24 kHz mono 16-bit WAV (the API's own
format) whose length is proportional to the text (`SECONDS_PER_CHAR`, divided by the
speed), a voiced tone pulsing at a syllable rate so meters see speech-like levels. It
answers a key containing `revoked` with a 401 and, when told to (`busy_next`), with 429s
carrying Retry-After. Every request is recorded.
"""

from __future__ import annotations

import io
import json
import threading
import time
import wave
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np

RATE = 24_000
SECONDS_PER_CHAR = 0.06  # about 16 characters a second, ordinary speech


def speech_seconds(text: str, speed: float = 1.0) -> float:
    """How long the fake speaks a line."""
    return round(max(len(text), 1) * SECONDS_PER_CHAR / speed, 3)


def speech_wav(text: str, speed: float = 1.0) -> bytes:
    samples = int(speech_seconds(text, speed) * RATE)
    t = np.arange(samples) / RATE
    pitch = 140 + 3 * (sum(map(ord, text)) % 40)
    voiced = np.sin(2 * np.pi * pitch * t) + 0.5 * np.sin(2 * np.pi * 2 * pitch * t)
    syllables = 0.55 + 0.45 * np.sin(2 * np.pi * 4 * t)  # four syllables a second
    signal = (0.3 * voiced * syllables * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(signal.tobytes())
    return buffer.getvalue()


class FakeSpeech:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.busy_next = 0  # answer this many next requests with 429 + Retry-After
        self.latency = 0.0  # seconds each answer takes
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    @property
    def spoken(self) -> list[str]:
        """The texts the server was paid to speak (answered with audio)."""
        return [r["body"]["input"] for r in self.requests if r["status"] == 200]

    def start(self) -> FakeSpeech:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _error(message: str, code: str, kind: str = "invalid_request_error") -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


def _handler_for(fake: FakeSpeech) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

        def _send(self, status: int, body: bytes | dict[str, Any], **headers: str) -> None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "audio/wav" if status == 200 else "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
            key = self.headers.get("Authorization", "").removeprefix("Bearer ")
            with fake.lock:
                fake.in_flight += 1
                fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
            time.sleep(fake.latency)
            status, answer, headers = self._answer(key, body)
            with fake.lock:
                fake.in_flight -= 1
            with fake.lock:
                fake.requests.append({"path": self.path, "key": key, "body": body,
                                      "status": status})  # fmt: skip
            self._send(status, answer, **headers)

        def _answer(self, key: str, body: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
            if self.path != "/v1/audio/speech":
                return 404, _error("Not found", "not_found"), {}
            if "revoked" in key:
                return 401, _error("Incorrect API key provided.", "invalid_api_key"), {}
            with fake.lock:
                if fake.busy_next > 0:
                    fake.busy_next -= 1
                    return 429, _error("Rate limit reached.", "rate_limit_exceeded",
                                       "requests"), {"Retry_After": "1"}  # fmt: skip
            text = str(body.get("input", ""))
            if not text.strip() or body.get("response_format") != "wav":
                return 400, _error("input must be non-empty; this fake speaks wav", "bad"), {}
            return 200, speech_wav(text, float(body.get("speed", 1.0))), {}

    return Handler
