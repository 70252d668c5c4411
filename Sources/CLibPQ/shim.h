#include <libpq-fe.h>

/* Error-field codes of PQresultErrorField are character-literal macros (postgres_ext.h),
   which Swift does not import: expose them as functions. */
static inline int fc_pg_diag_sqlstate(void) { return PG_DIAG_SQLSTATE; }
static inline int fc_pg_diag_message_primary(void) { return PG_DIAG_MESSAGE_PRIMARY; }
static inline int fc_pg_diag_constraint_name(void) { return PG_DIAG_CONSTRAINT_NAME; }
