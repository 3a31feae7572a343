#!/usr/bin/env python
"""Django's command-line utility for Comic Studio."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comicstudio.settings")
    if sys.argv[1:2] == ["runstudio"]:
        os.environ.setdefault("DJANGO_DEBUG", "1")  # the local run; production sets nothing
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
