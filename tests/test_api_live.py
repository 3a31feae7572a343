"""What the API tells a client without polling: signed webhooks with retries, and the SSE
stream of an episode's events (a live ASGI server and a real worker)."""

from __future__ import annotations

import json
import queue
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from generation.api.webhooks import signature
from tests.api_world import api, token_for
from tests.waiting import wait_for


class Receiver:
    """A local webhook receiver that answers 500 to the first `failures` deliveries."""

    def __init__(self, failures: int = 0) -> None:
        self.failures, self.seen = failures, []  # type: list
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.seen.append((dict(self.headers), body))
                failing = len(outer.seen) <= outer.failures
                self.send_response(500 if failing else 204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hook"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver(failures=1) as found:
        yield found


def _post(client, path: str, body: dict, key: str = ""):  # type: ignore[no-untyped-def]
    headers = {"Idempotency-Key": key} if key else {}
    return client.post("/api/v1" + path, json.dumps(body), content_type="application/json",
                       headers=headers)  # fmt: skip


@pytest.mark.django_db
def test_a_webhook_to_a_private_address_is_refused(studio, writer, settings):
    settings.COMICSTUDIO_ALLOW_PRIVATE_ENDPOINTS = False
    client = api(token_for(writer, studio))
    for url in ("http://127.0.0.1:8000/hook", "http://10.1.2.3/hook", "http://[::1]/x",
                "ftp://example.test/x", "http://169.254.169.254/latest"):  # fmt: skip
        refused = _post(client, "/webhooks", {"url": url})
        assert refused.status_code == 422, url
        assert refused.json()["errors"][0]["field"] == "url"
    assert client.get("/api/v1/webhooks").json() == []


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_finished_batch_is_told_to_the_webhook_signed_and_retried(
    studio, writer, episode, celery_worker, receiver
):
    client = api(token_for(writer, studio))
    hook = _post(client, "/webhooks", {"url": receiver.url}).json()
    scene = episode.scenes.order_by("position").first()
    batch = _post(client, f"/episodes/{episode.pk}/takes",
                  {"confirmed_total": "0.00", "scene_ids": [scene.pk]}, "b1").json()  # fmt: skip

    wait_for(lambda: len(receiver.seen) >= 2, timeout=90, what="the webhook's retried delivery")
    first, second = receiver.seen[0], receiver.seen[1]
    assert first[1] == second[1]  # the same event, delivered again after the 500
    event = json.loads(second[1])
    assert event["type"] == "batch.finished" and event["batch_id"] == batch["id"]
    assert event["takes"][0]["generation_status"] == "succeeded"
    header = second[0]["Comicstudio-Signature"]
    timestamp = int(header.split(",")[0].removeprefix("t="))
    assert header == signature(hook["secret"], timestamp, second[1])
    assert api(token_for(writer, studio)).get(batch["status_url"]).json()["done"] is True


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_finished_export_is_told_to_the_webhook(studio, producer, episode, celery_worker):
    client = api(token_for(producer, studio))
    with Receiver() as receiver:
        _post(client, "/webhooks", {"url": receiver.url})
        export = _post(client, f"/episodes/{episode.pk}/exports", {"kind": "draft"}, "e1").json()
        wait_for(lambda: receiver.seen, timeout=120, what="the export's webhook")
    event = json.loads(receiver.seen[0][1])
    assert event == {"type": "export.finished", "export_id": export["id"],
                     "episode_id": episode.pk, "status": event["status"]}  # fmt: skip
    assert client.get(export["status_url"]).json()["status"] == event["status"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_event_stream_tells_each_scene_change_as_it_happens(
    studio, writer, episode, asgi_server, celery_worker
):
    secret = token_for(writer, studio)
    request = urllib.request.Request(
        f"{asgi_server.url}/api/v1/episodes/{episode.pk}/events",
        headers={"Authorization": f"Bearer {secret}"},
    )
    lines: queue.Queue[str] = queue.Queue()
    stream = urllib.request.urlopen(request, timeout=60)  # noqa: S310
    assert stream.headers["Content-Type"].startswith("text/event-stream")

    def read() -> None:
        try:
            for raw in stream:
                lines.put(raw.decode().rstrip("\n"))
        except (OSError, ValueError, AttributeError):
            return  # the test closed the stream under the reader

    threading.Thread(target=read, daemon=True).start()
    assert lines.get(timeout=10) == "retry: 3000"
    scene = episode.scenes.order_by("position").first()
    _post(api(secret), f"/episodes/{episode.pk}/takes",
          {"confirmed_total": "0.00", "scene_ids": [scene.pk]})  # fmt: skip

    statuses = []
    while "succeeded" not in statuses:
        line = lines.get(timeout=60)
        if line.startswith("data: "):
            data = json.loads(line.removeprefix("data: "))
            assert data["scene_id"] == scene.pk
            statuses.append(data["generation_status"])
    assert statuses[0] in ("queued", "submitted", "running")
    stream.close()


@pytest.mark.django_db
def test_a_malformed_webhook_url_is_a_field_error(studio, writer):
    client = api(token_for(writer, studio))
    for url in ("https://'\u0103V]x", "http://host:99999/x", "http://[::1/x"):
        refused = _post(client, "/webhooks", {"url": url})
        assert refused.status_code == 422, url
        assert refused.json()["errors"][0]["field"] == "url"


@pytest.mark.django_db(transaction=True)
def test_two_requests_with_one_key_at_once_start_one_batch(studio, producer, episode, asgi_server):
    from generation.api.models import ApiBatch
    from generation.models import Take

    secret = token_for(producer, studio)
    body = json.dumps({"confirmed_total": "0.00"}).encode()
    answers: list[tuple[int, bytes]] = []
    start = threading.Barrier(2)

    def send() -> None:
        request = urllib.request.Request(
            f"{asgi_server.url}/api/v1/episodes/{episode.pk}/takes", data=body, method="POST",
            headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json",
                     "Idempotency-Key": "at-once"},
        )  # fmt: skip
        start.wait()
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
            answers.append((answer.status, answer.read()))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert [status for status, _ in answers] == [202, 202]
    assert answers[0][1] == answers[1][1]
    assert ApiBatch.objects.count() == 1 and Take.objects.count() == 6
