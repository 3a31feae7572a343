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
`[error]` fails it with a server error, `[long]` runs for `long_latency` seconds with its
progress frozen (it keeps running after we stall it). `fail_next_creates` scripts 429 / 5xx
answers. Fault modes: `thumbnails = False` leaves every thumbnail missing;
`poll_error_rate` / `download_error_rate` answer that share of job reads / content
downloads with a 500; `max_jobs` answers a create with 429 (Retry-After
`busy_retry_after`) while that many jobs run. Every request is recorded; `max_in_flight()`
says how many jobs ever ran at once.
"""

from __future__ import annotations

import random
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any

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
    latency: float | None = None  # None: the fake's `latency` (read when asked)


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
        self.character_clips: dict[str, bytes] = {}  # the uploaded video, by character id
        self.scripted_creates: list[tuple[int, dict[str, Any], dict[str, str]]] = []
        self.lock = threading.Lock()
        self.create_lock = threading.Lock()  # a busy check and its create are one step
        self.long_latency = 6.0
        self.poll_error_rate = 0.0
        self.download_error_rate = 0.0
        self.max_jobs: int | None = None
        self.busy_retry_after = 1.0
        self.thumbnails = True  # False: the thumbnail variant is missing (404)
        self.real_video: bytes | None = None  # served instead of the marker bytes when set
        self.random = random.Random(8)  # noqa: S311 (a test's reproducible faults)
        from tests.fake_provider_http import handler_for  # it imports this module

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(self))
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

    def fault(self, rate: float) -> bool:
        """True for about `rate` of the calls (a scripted 500)."""
        with self.lock:
            return self.random.random() < rate

    def running(self) -> int:
        """Jobs running now (created, not finished)."""
        now = time.time()
        return sum(1 for job in self.submissions() if now < job.created + self.latency_of(job))

    def latency_of(self, job: Job) -> float:
        return self.latency if job.latency is None else job.latency

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
                events.append((job.created + self.latency_of(job), -1))
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
        elapsed, latency = time.time() - job.created, self.latency_of(job)
        if "[stuck]" in job.prompt:
            return "in_progress", min(99, int(elapsed / latency * 100))
        if elapsed >= latency:
            if "[moderation]" in job.prompt or "[error]" in job.prompt:
                return "failed", 0
            return "completed", 100
        if "[long]" in job.prompt:
            return "in_progress", 5
        return (
            ("queued", 0)
            if elapsed < latency * 0.1
            else (
                "in_progress",
                int(elapsed / latency * 100),
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
            latency=self.long_latency if "[long]" in prompt else None,
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
            "completed_at": (
                int(job.created + self.latency_of(job)) if status == "completed" else None
            ),
            "expires_at": None,
            "prompt": job.prompt,
            "seconds": job.seconds,
            "size": job.size,
            "remixed_from_video_id": job.remixed_from,
            "error": error,
        }
