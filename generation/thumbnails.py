"""A take's thumbnail made from its own video, where the provider gives none."""

from __future__ import annotations

from pathlib import Path


def thumbnail_from_video(video_path: Path, thumbnail_path: Path) -> None:
    """Write the video's first frame as a JPEG (a plain frame if it cannot be decoded)."""
    import av
    from PIL import Image

    try:
        with av.open(str(video_path)) as container:
            frame = next(container.decode(video=0))
            image = frame.to_image()
    except (av.error.FFmpegError, StopIteration, OSError):
        image = Image.new("RGB", (360, 640), (32, 32, 40))
    image.convert("RGB").save(thumbnail_path, "JPEG", quality=80)
