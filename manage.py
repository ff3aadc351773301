#!/usr/bin/env python
"""Django's command-line utility for QPP Portal."""

import sys


def main():
    from django.core.management import execute_from_command_line

    import qppportal  # Imported here: the default settings module is set before Django loads.

    qppportal.settings_module_default()
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
