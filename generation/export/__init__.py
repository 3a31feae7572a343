"""The finished episode: exports (MP4 with subtitles and chapters), drafts, versions."""
