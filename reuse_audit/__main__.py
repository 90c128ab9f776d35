"""Allow `python -m reuse_audit`."""

from reuse_audit.launch import main

main()
