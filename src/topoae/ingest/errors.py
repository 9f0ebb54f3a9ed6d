"""The one error type of ingestion, and a guard that gives library errors a location."""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Iterable, Iterator


class IngestError(ValueError):
    """Input files that cannot become events; the message names the file and the key."""


@contextlib.contextmanager
def reading(location: str, hint: str = "") -> Iterator[None]:
    """Re-raise whatever a reader library raises as one :class:`IngestError` naming ``location``.

    uproot, h5py, pyarrow and pylhe each fail in their own way on corrupt or
    truncated files (OSError, ValueError, struct errors, zlib errors, ...);
    the job must stop with one message that says which file it was.
    """
    try:
        yield
    except IngestError:
        raise
    except Exception as error:  # noqa: BLE001 - any library failure becomes one located message
        detail = " ".join(str(error).split()) or type(error).__name__
        raise IngestError(f"{location}: cannot be read{hint}: {type(error).__name__}: {detail}") from error


def listing(names: Iterable[str], wanted: str = "", limit: int = 200) -> str:
    """Names that exist, for a message: close matches to ``wanted`` first, then a capped list."""
    names = sorted(set(names))
    close = difflib.get_close_matches(wanted, names, n=3) if wanted else []
    shown = ", ".join(names[:limit]) + (f", ... ({len(names)} in all)" if len(names) > limit else "")
    suggestion = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    return f"{suggestion}existing: {shown or '(none)'}"
