"""The reference server of evote: a thin Litestar app over the library (design §4).

Every rule lives in ``evote``; the server parses requests, checks who is asking, calls the
library, persists, and answers. Boards are kept in one database (:mod:`.store`); the app is built
by :func:`.app.create_app`; refusals are RFC 9457 problem details (:mod:`.problems`).
"""

from evote_server.app import create_app
from evote_server.store import Database, PostgresDatabase, SqliteDatabase, open_database

__all__ = ["Database", "PostgresDatabase", "SqliteDatabase", "create_app", "open_database"]
