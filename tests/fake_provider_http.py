"""The HTTP side of the fake provider: one handler class per fake, both wire formats."""

from __future__ import annotations

import base64
import email.parser
import email.policy
import json
import re
import time
import uuid
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlparse

from tests.fake_provider import JPEG_MAGIC, Recorded, video_bytes

if TYPE_CHECKING:
    from tests.fake_provider import FakeProvider


def error_body(
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


def handler_for(fake: FakeProvider) -> type[BaseHTTPRequestHandler]:
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
                return self._send(404, error_body(f"Invalid URL (GET {url.path})"))
            job = fake.jobs.get(match.group(1))
            if job is None:
                return self._send(404, error_body("Video not found", code="not_found"))
            rate = fake.download_error_rate if match.group(2) else fake.poll_error_rate
            if fake.fault(rate):
                return self._send(500, error_body("The server had an error", kind="server_error"))
            if not match.group(2):
                return self._send(
                    200, fake.openai_video(job), {"openai-poll-after-ms": str(fake.poll_after_ms)}
                )
            if fake.state_of(job)[0] != "completed":
                return self._send(
                    400, error_body("Video is not ready yet.", code="video_not_ready")
                )
            if query.get("variant", ["video"])[0] == "thumbnail" and not fake.thumbnails:
                return self._send(404, error_body("No thumbnail for this video", code="not_found"))
            if query.get("variant", ["video"])[0] == "thumbnail":
                return self._send(200, JPEG_MAGIC, content_type="image/jpeg")
            served = fake.real_video or video_bytes(job.id)
            return self._send(200, served, content_type="video/mp4")

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
                return self._send(401, error_body(message, code="invalid_api_key"))
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
            return self._send(404, error_body(f"Invalid URL (POST {path})"))

        def _scripted(self) -> bool:
            scripted = fake.take_scripted_create()
            if scripted is None:
                return False
            self._send(*scripted)
            return True

        def _busy(self) -> bool:
            """Answer 429 while the fake's limit of running jobs is reached."""
            if fake.max_jobs is None or fake.running() < fake.max_jobs:
                return False
            kind = "rate_limit_exceeded"
            body = error_body("Too many concurrent requests", kind=kind, code=kind)
            self._send(429, body, {"Retry-After": str(fake.busy_retry_after)})
            return True

        def _create(self, body: dict[str, Any]) -> None:
            with fake.create_lock:
                self._create_locked(body)

        def _create_locked(self, body: dict[str, Any]) -> None:
            if self._scripted() or self._busy():
                return
            prompt = str(body.get("prompt", ""))
            if not prompt:
                return self._send(
                    400,
                    error_body(
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
                return self._send(404, error_body("Video not found", code="not_found"))
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
                return self._send(400, error_body("A video file is required.", param="video"))
            character_id = f"char_{uuid.uuid4().hex[:12]}"
            fake.characters[character_id] = str(body.get("name", ""))
            fake.character_clips[character_id] = video
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
