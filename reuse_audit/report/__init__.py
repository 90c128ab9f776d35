"""The audit report in every format, and what the text formats share (wrapping, the default width)."""

#: The width of text output when the terminal's is unknown (piped, no ``COLUMNS``) or a caller gives none.
DEFAULT_WIDTH = 100
