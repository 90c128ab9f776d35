"""reuse-audit: find shared, weak and breached passwords in a KeePass vault and plan what to rotate."""

__version__ = "0.1.0"
