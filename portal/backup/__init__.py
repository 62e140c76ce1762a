"""Verified backup and restore of the whole portal (issue 14): ``manage.py backup``
and ``manage.py restore`` (README, "Backup and restore").

One dated archive holds the database, the evidence (through
``storages["evidence"]``, a folder or an object store), the media
(``storages["default"]``) and a manifest (``manifest``) with the version, the
migration state, the row count per model and the SHA-256 and size of every file.
A restore verifies the whole archive before it writes anything, and afterwards
proves that the portal is whole again (row counts, evidence hashes as recorded at
upload, migrations, search index).

django-dbbackup was considered and not used: it would cover ``pg_dump`` /
``pg_restore`` and copying the media, but not the manifest, the evidence storage,
the verification against the hashes recorded at upload, consistency between the
dump and the copied files, or the checks after a restore, which are most of this
package. The database is dumped and restored with ``pg_dump`` / ``pg_restore``
called directly (PostgreSQL) or with SQLite's online backup API (``database``).
"""
