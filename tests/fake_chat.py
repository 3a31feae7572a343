"""A local OpenAI-compatible chat server for "Draft scenes with AI" and continuity judge tests.

Speaks `POST /v1/chat/completions` as the real API does: a bearer key, a JSON body, a
`chat.completion` answer whose message content is the scripted text; a key containing
`revoked` gets a 401 shaped like the real one. Messages may carry image content parts
(the judge's frames); `answers` scripts one answer per request. Every request is recorded.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeChat:
    def __init__(self) -> None:
        self.answer = ""
        self.answers: list[str] = []  # scripted answers, one per request, before `answer`
        self.requests: list[dict[str, Any]] = []
        # The tokens each answer reports (`usage`), as the real API counts them.
        # None: the answer has no `usage` (some aggregators and local servers send none).
        self.usage: dict[str, int] | None = {
            "prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2,
        }  # fmt: skip
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def start(self) -> FakeChat:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _error(message: str, code: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error", "code": code}}


def _handler_for(chat: FakeChat) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
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
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            key = self.headers.get("Authorization", "").removeprefix("Bearer ")
            chat.requests.append({"path": self.path, "key": key, "body": body})
            if self.path != "/v1/chat/completions":
                return self._send(404, _error("Not found", "not_found"))
            if "revoked" in key:
                wrong = f"Incorrect API key provided: {key}."  # real APIs echo the key
                return self._send(401, _error(wrong, "invalid_api_key"))
            content = chat.answers.pop(0) if chat.answers else chat.answer
            message = {"role": "assistant", "content": content}
            self._send(200, {
                "id": "chatcmpl-1", "object": "chat.completion", "created": 1,
                "model": body["model"],
                "choices": [{"index": 0, "finish_reason": "stop", "message": message}],
                **({"usage": chat.usage} if chat.usage is not None else {}),
            })  # fmt: skip

    return Handler
