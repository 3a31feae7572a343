"""The `comicstudio` command: batch production through the HTTP API (docs/api.md).

It talks HTTP only (the standard library's urllib) and never imports Django, so it runs
on any machine with Python 3.12 and a token.
"""
