"""Several machines: two web processes and two workers, one database, one Redis, media on
object storage. "Generate all" sent to web process B is done by the workers, and a real
Chromium page on web process A sees every card arrive, its video played from the bucket.

Each process is its own OS process (uvicorn, `celery worker`), as on separate machines; they
share only the database (this test's, PostgreSQL when DATABASE_URL is set), Redis and the
S3-wire server (moto's server mode).
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import av
import boto3
import httpx2 as httpx
import pytest
import redis
from django.conf import settings

from comicstudio.embedded_redis import free_port
from generation.models import GenerationStatus, Take
from projects.models import Episode, Membership, Project, Role, Scene, Studio
from projects.services import save_script
from tests.browser import log_in
from tests.conftest import PASSWORD, make_user
from tests.test_object_storage import BUCKET, s3_endpoint  # noqa: F401  (the fixture)
from tests.waiting import wait_for
from tests.worker_process import ROOT, WorkerProcess, _database_url

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

THREE_SCENES = """\
INT. HARBOUR - DAWN

Fishing boats leave one by one.

EXT. LIGHTHOUSE - DAY

A keeper paints the railing red.

INT. CAFE - NIGHT

Two friends share a last coffee.
"""


@pytest.fixture
def fast_password_hashing():  # type: ignore[no-untyped-def]
    """The servers are other processes with the default hashers: keep real hashing here."""


def _bucket_env(endpoint: str) -> dict[str, str]:
    return {
        "COMICSTUDIO_MEDIA_BUCKET": BUCKET,
        "COMICSTUDIO_MEDIA_ENDPOINT": endpoint,
        "COMICSTUDIO_MEDIA_ACCESS_KEY": "test",
        "COMICSTUDIO_MEDIA_SECRET_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "DJANGO_SECRET_KEY": "several-machines-test-key",  # one deployment, one key
    }


def _own_disk(folder: Path) -> dict[str, str]:
    (folder / "var").mkdir(parents=True, exist_ok=True)
    return {"COMICSTUDIO_VAR_DIR": str(folder / "var"),
            "COMICSTUDIO_MEDIA_ROOT": str(folder / "media")}  # fmt: skip


MACHINES = ("worker-1", "worker-2", "web-a", "web-b")


class WebProcess:
    """`uvicorn comicstudio.asgi:application` in its own process (one web machine)."""

    def __init__(self, name: str, env: dict[str, str], log_dir: Path) -> None:
        self.port = free_port()
        self.log = (log_dir / f"{name}.log").open("w+")
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "uvicorn", "comicstudio.asgi:application",
             "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def serving(self) -> bool:
        try:
            return httpx.get(f"{self.url}/login/", timeout=2).status_code == 200
        except httpx.HTTPError:
            if self.process.poll() is not None:
                self.log.seek(0)
                pytest.fail(f"the web process exited:\n{self.log.read()}")
            return False

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()


@pytest.fixture
def deployment(s3_endpoint, tmp_path) -> Iterator[tuple[WebProcess, WebProcess]]:  # noqa: F811
    """Web processes A and B, two workers (one with beat), sharing database, Redis, bucket."""
    redis.Redis.from_url(settings.REDIS_URL).flushdb()  # no task left by an earlier test
    s3 = boto3.client(
        "s3", endpoint_url=s3_endpoint, aws_access_key_id="test",
        aws_secret_access_key="test", region_name="us-east-1",  # noqa: S106
    )  # fmt: skip
    s3.create_bucket(Bucket=BUCKET)
    shared = _bucket_env(s3_endpoint)
    # Each process its own local folders, as on its own machine: an animatic rendered by one
    # worker is downloaded by whichever polls it, through the bucket only.
    workers = [
        WorkerProcess(log_path=tmp_path / "worker-1.log", concurrency=2,
                      extra_env={**shared, **_own_disk(tmp_path / "worker-1")}),
        WorkerProcess(log_path=tmp_path / "worker-2.log", beat=False, concurrency=2,
                      extra_env={**shared, **_own_disk(tmp_path / "worker-2")}),
    ]  # fmt: skip
    web_env = {**workers[0].env(), "DJANGO_DEBUG": "1", "COMICSTUDIO_DEMO": "0"}
    web_env["DATABASE_URL"] = _database_url()
    webs: list[WebProcess] = []
    try:
        for worker in workers:
            worker.start()
        webs = [WebProcess(name, web_env | _own_disk(tmp_path / name), tmp_path)
                for name in ("web-a", "web-b")]  # fmt: skip
        for web in webs:  # several processes boot at once on a busy 2-core machine
            wait_for(web.serving, timeout=120, what="a web process to serve")
        yield webs[0], webs[1]
    finally:
        for web in webs:
            web.stop()
        for worker in workers:
            worker.stop()
        for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []):
            s3.delete_object(Bucket=BUCKET, Key=item["Key"])


def _generate_all_through(web: WebProcess, username: str, episode: Episode) -> None:
    """A writer's "Generate all", as htmx posts it, sent to web process `web`."""
    with httpx.Client(base_url=web.url, timeout=30) as client:
        client.get("/login/")
        login = client.post(
            "/login/",
            data={"username": username, "password": PASSWORD,
                  "csrfmiddlewaretoken": client.cookies["csrftoken"]},
        )  # fmt: skip
        assert login.status_code == 302
        answer = client.post(
            f"/episodes/{episode.pk}/generate-all/",
            headers={"HX-Request": "true", "X-CSRFToken": client.cookies["csrftoken"]},
        )
        assert answer.status_code == 200, answer.text[:500]


def test_a_batch_sent_to_web_b_is_done_by_two_workers_and_seen_live_on_web_a(
    deployment,
    s3_endpoint,  # noqa: F811
    browser,
    tmp_path,
):
    web_a, web_b = deployment
    studio_ = Studio.objects.create(name="Harbour Co")
    writer = make_user("hana_writer")
    Membership.objects.create(studio=studio_, user=writer, role=Role.WRITER)
    project = Project.objects.create(studio=studio_, name="Harbour")  # the free animatic
    episode = Episode.objects.create(project=project, number=1, title="Dawn")
    save_script(episode=episode, text=THREE_SCENES, edited_by=writer)
    scenes = list(Scene.objects.filter(episode=episode).order_by("position"))

    page = log_in(browser, web_a, writer.username, PASSWORD)
    page.goto(f"{web_a.url}/episodes/{episode.pk}/")
    page.wait_for_selector("#live[data-live=open]", timeout=20_000)
    page.evaluate("window.__notReloaded = true")

    _generate_all_through(web_b, writer.username, episode)

    for scene in scenes:  # each card on A reaches its final state, pushed, not reloaded
        page.wait_for_selector(
            f"#scene-{scene.pk} [data-generation-status=succeeded] video", timeout=240_000
        )
    assert page.evaluate("window.__notReloaded") is True
    assert page.locator("article[data-status=needs_review]").count() == len(scenes)
    # The first card's video plays in A's page: A's permission check, then the bucket.
    duration = page.evaluate(
        """(id) => new Promise(resolve => {
             const v = document.querySelector(`#scene-${id} video`);
             if (v.readyState >= 1) return resolve(v.duration);
             v.addEventListener('loadedmetadata', () => resolve(v.duration));
             v.addEventListener('error', () => resolve(-1));
             v.load();
           })""",
        scenes[0].pk,
    )
    assert duration == pytest.approx(scenes[0].duration_seconds, abs=0.2)

    # Every take's video is in the bucket (nothing on a local disk) and opens as video.
    s3 = boto3.client(
        "s3", endpoint_url=s3_endpoint, aws_access_key_id="test",
        aws_secret_access_key="test", region_name="us-east-1",  # noqa: S106
    )  # fmt: skip
    takes = list(Take.objects.filter(scene__episode=episode))
    assert len(takes) == len(scenes)
    for machine in MACHINES:  # the animatic's job files and the takes: all in the bucket
        media = tmp_path / machine / "media"
        assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]
    for take in takes:
        assert take.generation_status == GenerationStatus.SUCCEEDED
        assert not (Path(settings.MEDIA_ROOT) / take.video.name).exists()
        stored = s3.get_object(Bucket=BUCKET, Key=take.video.name)["Body"].read()
        with av.open(io.BytesIO(stored)) as container:
            assert container.streams.video[0].width > 0
            assert container.duration / 1_000_000 == pytest.approx(
                take.scene.duration_seconds, abs=0.2
            )
