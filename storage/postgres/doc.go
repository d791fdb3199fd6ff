// Package postgres is Obieg's PostgreSQL layer: the connection pool, the
// transaction helpers that set the tenant for row-level security, the
// migration runner, the loader for SQL kept in .sql files, and the mapping of
// PostgreSQL errors to engine error kinds.
//
// It knows nothing of cases or documents: packages that own data keep their
// queries in their own .sql files and run them through the transactions here.
package postgres
