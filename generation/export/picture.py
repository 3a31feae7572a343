"""The export's picture when it is re-encoded: every take scaled (boxed, never stretched) to
the project's frame, one frame rate, yuv420p, a DRAFT watermark and slates for drafts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from generation.export.captions import Caption, Captions, font, wrap
from generation.export.probe import Clip, ClipInfo, ExportError

# ultrafast with CABAC and the deblocking filter back on: about the size of `superfast` at
# about twice its speed (bench/export.py); CRF 20 keeps the picture.
X264_OPTIONS = {"preset": "ultrafast", "crf": "20", "x264-params": "cabac=1:deblock=1,0,0"}
PIXEL_FORMAT = "yuv420p"
WATERMARK_OPACITY = 0.45


@dataclass(frozen=True)
class Card:
    """A still title or end card: a big first line, smaller ones under it."""

    name: str  # its chapter's title: "Title" or "Credits"
    lines: tuple[str, ...]
    seconds: int


@dataclass(frozen=True)
class Picture:
    width: int
    height: int
    rate: Fraction
    watermark: str = ""  # "DRAFT" on drafts
    burn_subtitles: bool = False
    font: Path | None = None  # the project's own subtitle font; None: the shipped one


def boxed(info: ClipInfo, picture: Picture) -> bool:
    """The take has another aspect ratio: it gets black bars instead of being stretched."""
    return abs(info.width * picture.height - info.height * picture.width) > picture.height


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def watermark_box(picture: Picture) -> tuple[int, int, int, int]:
    """Where the watermark is drawn (left, top, right, bottom): a band in the upper third."""
    band = picture.height // 8
    top = picture.height // 6
    return 0, top, picture.width, top + band


def _watermark_alpha(picture: Picture) -> np.ndarray:
    left, top, right, bottom = watermark_box(picture)
    mask = Image.new("L", (right - left, bottom - top), 0)
    draw = ImageDraw.Draw(mask)
    font = _font(int((bottom - top) * 0.8))
    draw.text(((right - left) / 2, (bottom - top) / 2), picture.watermark, fill=255, font=font,
              anchor="mm")  # fmt: skip
    return np.asarray(mask, dtype=np.float32) * (WATERMARK_OPACITY / 255)


class PictureWriter:
    """Encodes the frames of every clip, one after the other, into one H.264 stream."""

    def __init__(self, container: av.container.OutputContainer, picture: Picture) -> None:
        self.container = container
        self.picture = picture
        self.stream = container.add_stream("libx264", rate=picture.rate, options=X264_OPTIONS)
        self.stream.width, self.stream.height = picture.width, picture.height
        self.stream.pix_fmt = PIXEL_FORMAT
        self.stream.codec_context.time_base = Fraction(1) / picture.rate
        self.time_base = Fraction(1) / picture.rate
        self.frames = 0
        self.alpha = _watermark_alpha(picture) if picture.watermark else None
        self.captions = (
            Captions(picture.width, picture.height, picture.font)
            if picture.burn_subtitles
            else None
        )
        # The last marked frame: (source and caption ids, source kept alive, marked frame).
        self._marked: tuple[tuple[int, int], av.VideoFrame, av.VideoFrame] | None = None

    def frames_for(self, seconds: float) -> int:
        """How many output frames a clip of this length becomes."""
        return round(seconds * self.picture.rate)

    @property
    def seconds(self) -> float:
        return float(self.frames / self.picture.rate)

    def _emit(self, source: av.VideoFrame) -> None:
        """Encode the next output frame: `source` with its marks (the same source frame shown
        twice with the same marks is marked once)."""
        caption = self.captions.at(self.seconds) if self.captions is not None else None
        key = (id(source), id(caption))
        if self._marked is None or self._marked[0] != key:
            self._marked = (key, source, self._mark(source, caption))
        frame = self._marked[2]
        frame.pts = self.frames
        frame.time_base = self.time_base  # decoded frames carry their own
        try:
            self._encode(frame)
        except av.FFmpegError as exc:  # not the take's fault: say so rather than blame it
            raise ExportError(f"Writing the episode's video failed ({exc}).") from exc
        self.frames += 1

    def _encode(self, frame: av.VideoFrame) -> None:
        self.container.mux(self.stream.encode(frame))

    def _mark(self, frame: av.VideoFrame, caption: Caption | None) -> av.VideoFrame:
        """The frame with the watermark and the subtitle on screen now, if any."""
        if self.alpha is None and caption is None:
            return frame
        planes = frame.to_ndarray()  # yuv420p: the luma plane is the first `height` rows
        if self.alpha is not None:
            left, top, right, bottom = watermark_box(self.picture)
            luma = planes[top:bottom, left:right].astype(np.float32)
            # Light letters on dark pictures, dark ones on light pictures: readable on any take.
            ink = np.where(luma < 128, 235.0, 16.0)
            planes[top:bottom, left:right] = (luma + (ink - luma) * self.alpha).astype(np.uint8)
        if caption is not None:
            caption.burn(planes, self.picture.width, self.picture.height)
        return av.VideoFrame.from_ndarray(planes, format=PIXEL_FORMAT)

    def add_slate(self, clip: Clip, on_frame: Callable[[], None]) -> None:
        """A still card with the scene's heading, for a scene with no take yet (drafts)."""
        image = Image.new("RGB", (self.picture.width, self.picture.height), (24, 24, 28))
        draw = ImageDraw.Draw(image)
        font = _font(max(18, self.picture.width // 18))
        middle = (self.picture.width / 2, self.picture.height / 2)
        draw.text(middle, clip.label, fill=(235, 235, 235), font=font, anchor="mm")
        frame = av.VideoFrame.from_image(image).reformat(format=PIXEL_FORMAT)
        for _ in range(round(clip.seconds * self.picture.rate)):
            self._emit(frame)
            on_frame()

    def add_card(self, card: Card, on_frame: Callable[[], None]) -> None:
        """A title or end card, wrapped inside the side margins, in the middle of the frame."""
        width, height = self.picture.width, self.picture.height
        image = Image.new("RGB", (width, height), (16, 16, 20))
        draw = ImageDraw.Draw(image)
        rows: list[tuple[str, ImageFont.FreeTypeFont | ImageFont.ImageFont, int]] = []
        for index, text in enumerate(card.lines):
            size = max(20, width // 11) if index == 0 else max(14, width // 24)
            face = font(size)
            rows += [(line, face, round(size * 1.4)) for line in wrap(text, face, width * 8 // 10)]
        y = (height - sum(step for _, _, step in rows)) / 2
        for line, face, step in rows:
            draw.text((width / 2, y + step / 2), line, fill=(240, 240, 240), font=face, anchor="mm")
            y += step
        frame = av.VideoFrame.from_image(image).reformat(format=PIXEL_FORMAT)
        for _ in range(self.frames_for(card.seconds)):
            self._emit(frame)
            on_frame()

    def add_take(self, clip: Clip, info: ClipInfo, on_frame: Callable[[], None]) -> None:
        """Re-time the take to the output's rate: each output frame shows the take's frame
        on screen at that moment, so the length stays the take's length."""
        assert clip.path is not None  # noqa: S101
        wanted = round(info.seconds * self.picture.rate)
        step = 1 / float(self.picture.rate)
        shown, last, start = 0, None, None
        try:
            with av.open(str(clip.path)) as source:
                stream = source.streams.video[0]
                stream.thread_type = "AUTO"
                graph = self._scaler(stream, info)
                for frame in source.decode(stream):
                    time = frame.time or 0.0
                    start = time if start is None else start
                    due = time - start - 1e-4  # output frames before this one show `last`
                    while last is not None and shown < wanted and shown * step < due:
                        self._emit(last)
                        shown += 1
                        on_frame()
                    last = self._fit(frame, graph)
        except av.FFmpegError as exc:
            raise ExportError(f"{clip.label}: the take's video cannot be decoded ({exc}).") from exc
        if last is None:
            raise ExportError(f"{clip.label}: the take's video has no frames.")
        while shown < wanted:
            self._emit(last)
            shown += 1
            on_frame()

    def _scaler(self, stream: av.VideoStream, info: ClipInfo) -> av.filter.Graph | None:
        size = (self.picture.width, self.picture.height)
        if (info.width, info.height) == size and info.pix_fmt == PIXEL_FORMAT:
            return None
        graph = av.filter.Graph()
        width, height = size
        chain = [
            graph.add_buffer(template=stream),
            graph.add(
                "scale",
                f"{width}:{height}:force_original_aspect_ratio=decrease:force_divisible_by=2",
            ),  # fmt: skip
            graph.add("pad", f"{width}:{height}:(ow-iw)/2:(oh-ih)/2:black"),
            graph.add("setsar", "1"),
            graph.add("format", PIXEL_FORMAT),
            graph.add("buffersink"),
        ]
        for a, b in zip(chain, chain[1:], strict=False):
            a.link_to(b)
        graph.configure()
        return graph

    def _fit(self, frame: av.VideoFrame, graph: av.filter.Graph | None) -> av.VideoFrame:
        if graph is None:
            return frame
        graph.push(frame)
        fitted = graph.pull()
        assert isinstance(fitted, av.VideoFrame)  # noqa: S101
        return fitted

    def finish(self) -> None:
        self.container.mux(self.stream.encode(None))
