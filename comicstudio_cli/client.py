"""The API client: the stored token, JSON requests, problem+json refusals, downloads."""

from __future__ import annotations

import json
import os
import stat
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Exit codes (docs/api.md).
OK, ERROR, USAGE, AUTH, REFUSED, FAILED, TIMEOUT, NOT_FOUND = 0, 1, 2, 3, 4, 5, 6, 7
RETRIES = 3


class ApiError(Exception):
    """A refusal or failure, with the exit code it maps to and the problem body."""

    def __init__(self, message: str, code: int, problem: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code, self.problem = code, problem or {}


def config_path() -> Path:
    """$COMICSTUDIO_CONFIG, else the user's config dir (XDG): comicstudio/config.json."""
    if explicit := os.environ.get("COMICSTUDIO_CONFIG"):
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "comicstudio" / "config.json"


def save_config(url: str, token: str) -> Path:
    """Store the server and token readable by the user only (0600)."""
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "w") as out:
        json.dump({"url": url.rstrip("/"), "token": token}, out)
    os.chmod(path, 0o600)  # an existing file keeps its old mode through O_CREAT
    return path


def load_config() -> tuple[str, str]:
    """The server and token: the environment's, else the stored ones."""
    url, token = os.environ.get("COMICSTUDIO_URL", ""), os.environ.get("COMICSTUDIO_TOKEN", "")
    path = config_path()
    if (not url or not token) and path.exists():
        stored = json.loads(path.read_text())
        url, token = url or stored.get("url", ""), token or stored.get("token", "")
    if not url or not token:
        raise ApiError("Not logged in: run `comicstudio login --url URL` first.", AUTH)
    return url.rstrip("/"), token


def _exit_code(status: int) -> int:
    if status in (401, 403):
        return AUTH
    if status == 404:
        return NOT_FOUND
    if status in (409, 422, 400):
        return REFUSED
    return ERROR


@dataclass
class Client:
    url: str
    token: str

    def _request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> urllib.request.Request:
        data = None if body is None else json.dumps(body).encode()
        sent = {"Accept": "application/json"}
        if data is not None:
            sent["Content-Type"] = "application/json"
        request = urllib.request.Request(  # noqa: S310 — the user's own server, http(s)
            self.url + path, data=data, method=method, headers=sent | (headers or {})
        )
        # Never followed by a redirect: a file is sent from its storage's presigned URL,
        # which must not see the token (and S3 refuses a request with two kinds of auth).
        request.add_unredirected_header("Authorization", f"Bearer {self.token}")
        return request

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> Any:
        """A JSON request; connection failures are retried (with the same Idempotency-Key)."""
        for attempt in range(RETRIES):
            try:
                with urllib.request.urlopen(self._request(method, path, body, headers)) as answer:  # noqa: S310
                    raw = answer.read()
                    return json.loads(raw) if raw else None
            except urllib.error.HTTPError as exc:
                if exc.code == 429 and attempt < RETRIES - 1:
                    time.sleep(float(exc.headers.get("Retry-After", "1")))
                    continue
                problem = _problem(exc)
                raise ApiError(
                    problem.get("detail") or str(exc), _exit_code(exc.code), problem
                ) from None
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                if attempt == RETRIES - 1:
                    raise ApiError(f"Cannot reach {self.url}: {exc}", ERROR) from None
                time.sleep(1 + attempt)
        raise ApiError("No answer.", ERROR)

    def download(self, path: str, target: Path) -> int:
        """Save a file (an MP4) to `target`; its size in bytes."""
        try:
            with urllib.request.urlopen(self._request("GET", path)) as answer:  # noqa: S310
                partial = target.with_suffix(target.suffix + ".part")
                size = 0
                with partial.open("wb") as out:
                    while chunk := answer.read(1 << 16):
                        out.write(chunk)
                        size += len(chunk)
                partial.replace(target)
                return size
        except urllib.error.HTTPError as exc:
            raise ApiError(_problem(exc).get("detail") or str(exc), _exit_code(exc.code)) from None


def _problem(exc: urllib.error.HTTPError) -> dict[str, Any]:
    try:
        found = json.loads(exc.read() or b"{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
