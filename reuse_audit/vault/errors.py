"""The vault layer's error type: one clear line for the user, never a traceback."""


class VaultError(Exception):
    """The vault could not be opened or read. ``str(err)`` is a one-line message fit for the user."""
