"""A local fake video provider speaking two real wire formats, scriptable per test.

- OpenAI Videos (`/v1/videos…`): create (multipart or JSON), retrieve, list, content
  (video / thumbnail), remix, characters; errors shaped like the real API
  (`{"error": {"message", "type", "param", "code"}}`), `openai-poll-after-ms` hints.
- Veo through the google-genai SDK (3.x speaks the Vertex shape for videos):
  `…/models/{model}:predictLongRunning` and `…:fetchPredictOperation`, results inline as
  base64, RAI-filtered results with reasons and no video.

Jobs finish by the clock (`latency` seconds after creation). Markers in the prompt
script one job: `[moderation]` fails it by moderation, `[rai]` is filtered by Veo's RAI,
`[stuck]` stops at 99 %, `[drop]` closes the connection after creating the job,
`[error]` fails it with a server error. `fail_next_creates` scripts 429 / 5xx answers.
Every request is recorded; `max_in_flight()` says how many jobs ever ran at once.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

VIDEO_MAGIC = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
JPEG_MAGIC = b"\xff\xd8\xff\xe0fake-thumbnail"


def video_bytes(job_id: str) -> bytes:
    """The video the fake serves for a job: recognisable per job."""
    return VIDEO_MAGIC + job_id.encode()


@dataclass
class Job:
    id: str
    prompt: str
    model: str
    seconds: str
    size: str
    created: float
    kind: str  # "openai" | "veo"
    body: dict[str, Any]
    remixed_from: str | None = None


@dataclass
class Recorded:
    method: str
    path: str
    at: float
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


class FakeProvider:
    """Start with `start()`; `openai_base_url` / `veo_base_url` point the SDKs at it."""

    def __init__(self, *, latency: float = 1.0) -> None:
        self.latency = latency
        self.poll_after_ms = 200
        self.jobs: dict[str, Job] = {}
        self.requests: list[Recorded] = []
        self.characters: dict[str, str] = {}
        self.scripted_creates: list[tuple[int, dict[str, Any], dict[str, str]]] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def openai_base_url(self) -> str:
        return f"{self.url}/v1"

    @property
    def veo_base_url(self) -> str:
        return self.url

    def start(self) -> FakeProvider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # Scripting.
    def fail_next_creates(
        self, count: int, *, status: int = 429, retry_after: float | None = 1
    ) -> None:
        """The next `count` creates answer `status` (Retry-After for 429), creating nothing."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        kind = "rate_limit_exceeded" if status == 429 else "server_error"
        message = "Rate limit reached for requests" if status == 429 else "The server had an error"
        body = {"error": {"message": message, "type": kind, "param": None, "code": kind}}
        with self.lock:
            self.scripted_creates.extend([(status, body, headers)] * count)

    # What happened.
    def submissions(self) -> list[Job]:
        with self.lock:
            return sorted(self.jobs.values(), key=lambda j: j.created)

    def submissions_per_prompt(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for job in self.submissions():
            counts[job.prompt] = counts.get(job.prompt, 0) + 1
        return counts

    def max_in_flight(self) -> int:
        """Most jobs ever running at once (a job runs from creation until it finishes)."""
        events = []
        for job in self.submissions():
            events.append((job.created, 1))
            if "[stuck]" not in job.prompt:
                events.append((job.created + self.latency, -1))
        running = peak = 0
        for _, delta in sorted(events, key=lambda e: (e[0], e[1])):
            running += delta
            peak = max(peak, running)
        return peak

    def count(self, method: str, pattern: str) -> int:
        with self.lock:
            return sum(
                1 for r in self.requests if r.method == method and re.search(pattern, r.path)
            )

    # Job state by the clock.
    def state_of(self, job: Job) -> tuple[str, int]:
        elapsed = time.time() - job.created
        if "[stuck]" in job.prompt:
            return "in_progress", min(99, int(elapsed / self.latency * 100))
        if elapsed >= self.latency:
            if "[moderation]" in job.prompt or "[error]" in job.prompt:
                return "failed", 0
            return "completed", 100
        return (
            ("queued", 0)
            if elapsed < self.latency * 0.1
            else (
                "in_progress",
                int(elapsed / self.latency * 100),
            )
        )

    def create_job(
        self,
        *,
        kind: str,
        prompt: str,
        model: str,
        seconds: str,
        size: str,
        body: dict[str, Any],
        remixed_from: str | None = None,
    ) -> Job:
        prefix = "video_" if kind == "openai" else ""
        job = Job(
            id=f"{prefix}{uuid.uuid4().hex}",
            prompt=prompt,
            model=model,
            seconds=seconds,
            size=size,
            created=time.time(),
            kind=kind,
            body=body,
            remixed_from=remixed_from,
        )
        with self.lock:
            self.jobs[job.id] = job
        return job

    def take_scripted_create(self) -> tuple[int, dict[str, Any], dict[str, str]] | None:
        with self.lock:
            return self.scripted_creates.pop(0) if self.scripted_creates else None

    def openai_video(self, job: Job) -> dict[str, Any]:
        status, progress = self.state_of(job)
        error = None
        if status == "failed":
            error = (
                {
                    "code": "moderation_blocked",
                    "message": "Your request was blocked by our moderation system.",
                }
                if "[moderation]" in job.prompt
                else {"code": "internal_error", "message": "Video generation failed."}
            )
        return {
            "id": job.id,
            "object": "video",
            "model": job.model,
            "status": status,
            "progress": progress,
            "created_at": int(job.created),
            "completed_at": int(job.created + self.latency) if status == "completed" else None,
            "expires_at": None,
            "prompt": job.prompt,
            "seconds": job.seconds,
            "size": job.size,
            "remixed_from_video_id": job.remixed_from,
            "error": error,
        }


def _error(
    message: str,
    *,
    kind: str = "invalid_request_error",
    code: str | None = None,
    param: str | None = None,
) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def _parse_body(headers: Any, raw: bytes) -> dict[str, Any]:
    ctype = headers.get("Content-Type", "")
    if ctype.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {ctype}\r\n\r\n".encode() + raw
        )
        fields: dict[str, Any] = {}
        for part in message.iter_parts():  # type: ignore[attr-defined]
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            value: Any = payload if part.get_filename() else payload.decode()
            if name.endswith("[]"):
                fields.setdefault(name[:-2], []).append(value)
            else:
                fields[name] = value
        return fields
    return json.loads(raw) if raw else {}


def _handler_for(fake: FakeProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _send(
            self,
            status: int,
            body: Any,
            headers: dict[str, str] | None = None,
            content_type: str = "application/json",
        ) -> None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def _drop(self) -> None:
            self.close_connection = True
            self.connection.close()

        def _record(self, body: dict[str, Any]) -> None:
            recorded = Recorded(
                self.command,
                self.path,
                time.time(),
                {k: v for k, v in body.items() if not isinstance(v, bytes)},
                dict(self.headers.items()),
            )
            with fake.lock:
                fake.requests.append(recorded)

        def do_GET(self) -> None:
            self._record({})
            url = urlparse(self.path)
            query = parse_qs(url.query)
            if url.path == "/v1/videos":
                return self._list(query)
            match = re.fullmatch(r"/v1/videos/([^/]+)(/content)?", url.path)
            if not match:
                return self._send(404, _error(f"Invalid URL (GET {url.path})"))
            job = fake.jobs.get(match.group(1))
            if job is None:
                return self._send(404, _error("Video not found", code="not_found"))
            if not match.group(2):
                return self._send(
                    200, fake.openai_video(job), {"openai-poll-after-ms": str(fake.poll_after_ms)}
                )
            if fake.state_of(job)[0] != "completed":
                return self._send(400, _error("Video is not ready yet.", code="video_not_ready"))
            if query.get("variant", ["video"])[0] == "thumbnail":
                return self._send(200, JPEG_MAGIC, content_type="image/jpeg")
            return self._send(200, video_bytes(job.id), content_type="video/mp4")

        def _list(self, query: dict[str, list[str]]) -> None:
            jobs = [j for j in fake.submissions() if j.kind == "openai"]
            if query.get("order", ["desc"])[0] == "desc":
                jobs.reverse()
            limit = int(query.get("limit", ["20"])[0])
            data = [fake.openai_video(j) for j in jobs[:limit]]
            self._send(
                200,
                {
                    "object": "list",
                    "data": data,
                    "has_more": len(jobs) > limit,
                    "first_id": data[0]["id"] if data else None,
                    "last_id": data[-1]["id"] if data else None,
                },
            )

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = _parse_body(self.headers, raw)
            self._record(body)
            key = self.headers.get("Authorization", "").removeprefix("Bearer ")
            if "revoked" in key:  # the real API echoes part of a wrong key back
                message = f"Incorrect API key provided: {key}."
                return self._send(401, _error(message, code="invalid_api_key"))
            path = urlparse(self.path).path
            if path == "/v1/videos":
                return self._create(body)
            if path == "/v1/videos/characters":
                return self._character(body)
            match = re.fullmatch(r"/v1/videos/([^/]+)/remix", path)
            if match:
                return self._remix(match.group(1), body)
            if path.endswith(":predictLongRunning"):
                return self._veo_create(path, body)
            if path.endswith(":fetchPredictOperation"):
                return self._veo_fetch(body)
            return self._send(404, _error(f"Invalid URL (POST {path})"))

        def _scripted(self) -> bool:
            scripted = fake.take_scripted_create()
            if scripted is None:
                return False
            self._send(*scripted)
            return True

        def _create(self, body: dict[str, Any]) -> None:
            if self._scripted():
                return
            prompt = str(body.get("prompt", ""))
            if not prompt:
                return self._send(
                    400,
                    _error(
                        "Missing required parameter: 'prompt'.",
                        code="missing_required_parameter",
                        param="prompt",
                    ),
                )
            job = fake.create_job(
                kind="openai",
                prompt=prompt,
                model=str(body.get("model", "sora-2")),
                seconds=str(body.get("seconds", "4")),
                size=str(body.get("size", "720x1280")),
                body=body,
            )
            if "[drop]" in prompt:
                return self._drop()
            self._send(200, fake.openai_video(job))

        def _remix(self, video_id: str, body: dict[str, Any]) -> None:
            source = fake.jobs.get(video_id)
            if source is None:
                return self._send(404, _error("Video not found", code="not_found"))
            job = fake.create_job(
                kind="openai",
                prompt=str(body.get("prompt", "")),
                model=source.model,
                seconds=source.seconds,
                size=source.size,
                body=body,
                remixed_from=video_id,
            )
            self._send(200, fake.openai_video(job))

        def _character(self, body: dict[str, Any]) -> None:
            video = body.get("video")
            if not isinstance(video, bytes) or not video:
                return self._send(400, _error("A video file is required.", param="video"))
            character_id = f"char_{uuid.uuid4().hex[:12]}"
            fake.characters[character_id] = str(body.get("name", ""))
            self._send(
                200, {"id": character_id, "created_at": int(time.time()), "name": body.get("name")}
            )

        def _veo_create(self, path: str, body: dict[str, Any]) -> None:
            if self._scripted():
                return
            instance = (body.get("instances") or [{}])[0]
            params = body.get("parameters") or {}
            model_path = path.split(":")[0].split("/", 2)[2]  # drop the API version
            job = fake.create_job(
                kind="veo",
                prompt=str(instance.get("prompt", "")),
                model=model_path,
                seconds=str(params.get("durationSeconds", 8)),
                size=str(params.get("aspectRatio", "16:9")),
                body=body,
            )
            with fake.lock:
                del fake.jobs[job.id]
                job.id = f"{model_path}/operations/{job.id}"
                fake.jobs[job.id] = job
            if "[drop]" in job.prompt:
                return self._drop()
            self._send(200, {"name": job.id})

        def _veo_fetch(self, body: dict[str, Any]) -> None:
            job = fake.jobs.get(str(body.get("operationName", "")))
            if job is None:
                return self._send(
                    404,
                    {
                        "error": {
                            "code": 404,
                            "message": "Operation not found.",
                            "status": "NOT_FOUND",
                        }
                    },
                )
            status, _ = fake.state_of(job)
            if status in ("queued", "in_progress"):
                return self._send(200, {"name": job.id, "done": False})
            if "[error]" in job.prompt:
                return self._send(
                    200,
                    {
                        "name": job.id,
                        "done": True,
                        "error": {
                            "code": 13,
                            "message": "Internal error while generating the video.",
                        },
                    },
                )
            response: dict[str, Any] = {
                "@type": "type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse"
            }
            if "[rai]" in job.prompt or "[moderation]" in job.prompt:
                response["raiMediaFilteredCount"] = 1
                response["raiMediaFilteredReasons"] = [
                    "The prompt could not be submitted: it may violate our usage guidelines."
                ]
            else:
                response["videos"] = [
                    {
                        "bytesBase64Encoded": base64.b64encode(video_bytes(job.id)).decode(),
                        "mimeType": "video/mp4",
                    }
                ]
            self._send(200, {"name": job.id, "done": True, "response": response})

    return Handler
