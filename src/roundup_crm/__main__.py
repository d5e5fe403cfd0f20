"""Entry point for `python -m roundup_crm`."""

from roundup_crm.cli import run

run()
