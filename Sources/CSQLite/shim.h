#include <sqlite3.h>

/* SQLITE_TRANSIENT is a cast macro ((sqlite3_destructor_type)-1) that Swift cannot import:
 * binding with it makes SQLite copy the bytes before the call returns. */
static inline sqlite3_destructor_type fc_sqlite_transient(void) { return SQLITE_TRANSIENT; }

/* Extended result codes are shift expressions, which Swift does not import. */
static const int fc_SQLITE_CONSTRAINT_UNIQUE = SQLITE_CONSTRAINT_UNIQUE;
static const int fc_SQLITE_CONSTRAINT_PRIMARYKEY = SQLITE_CONSTRAINT_PRIMARYKEY;

/* sqlite3_config is variadic. Turning memory statistics off removes a global mutex from
 * every allocation; it must run before the library initializes (first open). */
static inline int fc_sqlite_disable_memstatus(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
