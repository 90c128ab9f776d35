"""The system's reasons for a failed file or socket operation, in our words: ``OSError.strerror`` is English
from the C library, so a translated sentence names the errno in the reader's language instead (see
:class:`reuse_audit.errors.SystemReason`). English output keeps the system's own text; these msgids are
only looked up to translate it."""

from __future__ import annotations

import errno as E

from reuse_audit.i18n import N_

ERRNO_WORDS: dict[int, str] = {
    code: words for code, words in (
        (E.ENOENT, N_("no such file or folder")),
        (E.EACCES, N_("permission denied")),
        (E.EPERM, N_("operation not permitted")),
        (E.EISDIR, N_("is a folder")),
        (E.ENOTDIR, N_("a part of the path is not a folder")),
        (E.ENOSPC, N_("no space left on the disk")),
        (getattr(E, "EDQUOT", -1), N_("disk quota exceeded")),
        (E.EROFS, N_("read-only file system")),
        (E.EEXIST, N_("the file already exists")),
        (E.ELOOP, N_("too many levels of symbolic links")),
        (E.EIO, N_("input/output error")),
        (E.EFBIG, N_("the file is too large")),
        (E.EBUSY, N_("the device or file is busy")),
        (getattr(E, "ETXTBSY", -1), N_("the file is busy")),
        (E.EPIPE, N_("the reading program closed the pipe")),
        (E.ENXIO, N_("no such device (or no program reading the pipe)")),
        (E.ENODEV, N_("no such device")),
        (E.ENAMETOOLONG, N_("the file name is too long")),
        (E.EMFILE, N_("too many open files")),
        (E.ENFILE, N_("too many open files")),
        (E.EINVAL, N_("invalid argument")),
        (E.ETIMEDOUT, N_("timed out")),
        (E.ECONNREFUSED, N_("connection refused")),
        (E.ECONNRESET, N_("the connection was reset")),
        (E.EHOSTUNREACH, N_("the host cannot be reached")),
        (E.ENETUNREACH, N_("the network cannot be reached")),
        (E.EAGAIN, N_("resource temporarily unavailable")),
    ) if code != -1
}
