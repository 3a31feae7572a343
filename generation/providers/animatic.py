"""The local animatic provider: renders a real storyboard MP4 on this machine, for free.

It behaves like a remote provider: `submit` queues a render job (a Celery task on the
"render" side), `poll` reads the job's progress from Redis, `download` copies the
result. The render is made in a temporary folder and stored under `animatic-jobs/<job>/`
of the media storage (the bucket, or MEDIA_ROOT) until downloaded: the worker that
downloads needs no disk shared with the one that rendered. The job's portraits are
storage names, read from local copies on the rendering machine.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import uuid
from dataclasses import asdict
from functools import cache
from pathlib import Path

import redis
from celery import shared_task
from django.conf import settings
from django.core.files.storage import default_storage

from characters.stored_files import recorded_file, store_file
from generation.animatic_render import AnimaticSpec, render_animatic
from generation.providers.base import (
    Capabilities,
    JobStatus,
    PromptShape,
    Provider,
    ProviderError,
    VideoRequest,
)

JOB_TTL_SECONDS = 24 * 3600


@cache
def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=10, decode_responses=True)


def _job_key(job_id: str) -> str:
    return f"animatic:job:{job_id}"


JOB_FOLDER = "animatic-jobs"
JOB_FILES = ("video.mp4", "thumbnail.jpg")


def _set_job(job_id: str, **fields: str | int) -> None:
    pipe = _redis().pipeline()
    pipe.hset(_job_key(job_id), mapping=dict(fields))  # type: ignore[arg-type]
    pipe.expire(_job_key(job_id), JOB_TTL_SECONDS)
    pipe.execute()


class AnimaticProvider(Provider):
    name = "animatic"
    label = "Local animatic"
    costs_money = False
    prompt_shape = PromptShape(draws_portraits=True)
    capabilities = Capabilities(
        # It can render any 1–20 s, but previews the common 4/8/12 s shot grid, so a
        # storyboard made on the animatic breaks down the same way on a Sora-shaped API.
        durations=(4, 8, 12),
        sizes=((720, 1280), (1280, 720), (960, 960)),
        # It could draw more, but previews the Sora-shaped limit like its durations.
        max_characters=2,
        free_to_resubmit=True,
        typical_seconds=10,
    )

    def submit(self, request: VideoRequest) -> str:
        job_id = f"animatic_{uuid.uuid4().hex}"
        _set_job(job_id, state="queued", progress=0, request=json.dumps(asdict(request)))
        render_animatic_job.delay(job_id)
        return job_id

    def poll(self, job_id: str) -> JobStatus:
        job = _redis().hgetall(_job_key(job_id))
        if not job:
            raise ProviderError(f"The animatic job {job_id} is unknown.", permanent=True)
        return JobStatus(
            state=str(job["state"]), progress=int(job["progress"]), error=str(job.get("error", ""))
        )

    def download(self, job_id: str, *, video_path: Path, thumbnail_path: Path) -> None:
        job = _redis().hgetall(_job_key(job_id))
        try:
            for name, target in zip(JOB_FILES, (video_path, thumbnail_path), strict=True):
                with default_storage.open(str(job[name]), "rb") as source, target.open("wb") as out:
                    shutil.copyfileobj(source, out, 1 << 20)
        except (KeyError, FileNotFoundError) as exc:
            raise ProviderError(f"The animatic result of {job_id} is missing.") from exc

    def release(self, job_id: str) -> None:
        folder = f"{JOB_FOLDER}/{job_id}"
        try:
            for name in default_storage.listdir(folder)[1]:  # a render run twice left two
                default_storage.delete(f"{folder}/{name}")
            Path(default_storage.path(folder)).rmdir()  # the filesystem keeps empty folders
        except (NotImplementedError, OSError):
            pass
        _redis().delete(_job_key(job_id))


def _portraits(request: VideoRequest) -> tuple[tuple[str, str], ...]:
    """The request's portraits (storage names) as local files; one that cannot be had is
    left out, as an unreadable image is (the figure is drawn without it)."""
    found = []
    for name, recorded in request.portraits:
        try:
            found.append((name, str(recorded_file(recorded))))
        except (OSError, ValueError):
            continue
    return tuple(found)


@shared_task(ignore_result=True)
def render_animatic_job(job_id: str) -> None:
    """The "remote" side of the animatic provider: render one job, reporting progress."""
    job = _redis().hgetall(_job_key(job_id))
    if not job or job["state"] == "succeeded":
        return
    request = VideoRequest(**json.loads(job["request"]))
    spec = AnimaticSpec(
        heading=request.heading,
        action=request.action,
        dialogue=tuple(tuple(line) for line in request.dialogue),  # type: ignore[misc]
        duration_seconds=request.duration_seconds,
        width=request.width,
        height=request.height,
        cast=tuple(request.cast),
        fps=settings.COMICSTUDIO_ANIMATIC_FPS,
        portraits=_portraits(request),
        camera=request.camera,
    )
    with tempfile.TemporaryDirectory(prefix="comicstudio-animatic-") as work:
        made = [Path(work, name) for name in JOB_FILES]
        try:
            render_animatic(
                spec,
                video_path=made[0],
                thumbnail_path=made[1],
                on_progress=lambda p: _set_job(job_id, state="running", progress=min(p, 99)),
            )
        except ValueError as exc:
            _set_job(job_id, state="failed", error=f"The animatic could not be rendered: {exc}")
            return
        stored = [store_file(path, f"{JOB_FOLDER}/{job_id}/{path.name}") for path in made]
    _set_job(job_id, state="succeeded", progress=100, **dict(zip(JOB_FILES, stored, strict=True)))
