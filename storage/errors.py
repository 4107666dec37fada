"""Errors the storage layer raises with a message fit for one line on a terminal."""


class ArchiveError(Exception):
    """The archive cannot be opened, migrated or written."""
