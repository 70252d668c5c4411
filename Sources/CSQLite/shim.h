#include <sqlite3.h>

/* SQLITE_TRANSIENT is a cast macro ((sqlite3_destructor_type)-1) that Swift cannot import:
 * binding with it makes SQLite copy the bytes before the call returns. */
static inline sqlite3_destructor_type fc_sqlite_transient(void) { return SQLITE_TRANSIENT; }

/* Extended result codes are shift expressions, which Swift does not import. */
static const int fc_SQLITE_CONSTRAINT_UNIQUE = SQLITE_CONSTRAINT_UNIQUE;
static const int fc_SQLITE_CONSTRAINT_PRIMARYKEY = SQLITE_CONSTRAINT_PRIMARYKEY;
