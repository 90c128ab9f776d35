"""Allow `python -m reuse_audit`."""

from reuse_audit.cli import main

main()
