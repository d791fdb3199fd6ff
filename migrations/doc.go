// Package migrations embeds the numbered SQL migrations of Obieg. They are
// applied in order by storage/postgres under an advisory lock, each in its own
// transaction, and are forward-only: a released migration is never edited.
package migrations

import "embed"

// FS holds the migration files, named NNNN_description.sql.
//
//go:embed *.sql
var FS embed.FS
