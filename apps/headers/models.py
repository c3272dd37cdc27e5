"""The header index: one row per FITS file under the data root, with its searchable header.

Files are found by name (``workers.headers.is_fits_name``) and read for their header only, never their
pixels. A row is read again only when the file's identity (size, mtime, inode) changed.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

#: The longest path the index holds (as a folder grant's); deeper files are left out.
MAX_PATH_CHARS = 1024


class HeaderEntry(models.Model):
    """One indexed FITS file: where it is, the identity it had when read, and its header.

    ``path`` is the real path (symlinks followed) relative to the data root, as grants name paths;
    ``folder`` is its parent ("" for the data root). ``header`` holds the kept keywords
    (``workers.headers.read_header``); ``problem`` says why a file could not be read (then ``header``
    is empty). ``date_obs``, ``mjd``, ``exptime``, ``filter`` and ``object`` are typed copies of what
    the header says, for fast searches and sorting.
    """

    path = models.CharField(max_length=MAX_PATH_CHARS, unique=True)
    folder = models.CharField(max_length=MAX_PATH_CHARS, db_index=True, blank=True)
    name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    mtime_ns = models.BigIntegerField()
    inode = models.BigIntegerField()
    indexed_at = models.DateTimeField(default=timezone.now)
    problem = models.TextField(blank=True, default="")
    truncated = models.BooleanField(default=False, help_text="Keywords were left out to stay under the size limit.")
    header = models.JSONField(default=dict, blank=True)
    date_obs = models.DateTimeField(null=True, blank=True, db_index=True)
    mjd = models.FloatField(null=True, blank=True)
    exptime = models.FloatField(null=True, blank=True, db_index=True)
    filter = models.CharField(max_length=80, blank=True, default="", db_index=True)
    object = models.CharField(max_length=200, blank=True, default="", db_index=True)

    class Meta:
        ordering = ["path"]
        verbose_name = "indexed header"

    def __str__(self) -> str:
        return self.path


class IndexVersion(models.Model):
    """One row whose counter grows with every change to the index (a row stored or dropped).

    Every process keeps the folder tables it built (`apps.headers.table`) tagged with this version: one
    primary-key read tells whether they still hold, in every process, with no cache server needed.
    """

    counter = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"header index version {self.counter}"
