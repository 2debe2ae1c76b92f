#!/usr/bin/env python
import os
import sys

from django.core.management import execute_from_command_line

from config.bootstrap import ensure_services


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    ensure_services()
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
