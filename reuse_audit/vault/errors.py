"""The vault layer's error type: one clear line for the user, never a traceback."""

from reuse_audit.errors import ReuseAuditError


class VaultError(ReuseAuditError):
    """The vault could not be opened or read. ``str(err)`` is a one-line message fit for the user."""
