// Package blob stores the bytes of Obieg's files (scans, signed PDFs, XML
// attachments) in a content-addressed store: every blob is named by the
// lowercase hex SHA-256 of its content and nothing else.
//
// Content addressing is what lets the rest of the system trust the bytes. A
// reference to a blob is also a checksum of it, so the same content uploaded
// twice is stored once, a blob can never be changed under its name, and every
// read verifies that what comes back is what went in (a damaged or tampered
// blob fails the read instead of being served silently).
//
// Writing is done in two steps so that a blob never becomes visible half
// written and an upload that is refused (too large, bad request, failed
// transaction) leaves nothing behind:
//
//	st, err := store.Stage(ctx, r, limit) // hashed into a local temporary file
//	if err != nil { … }
//	defer st.Discard()                    // no-op once committed
//	…                                     // validate, look at st.SHA256 and st.Size
//	err = st.Commit(ctx)                  // atomically visible under st.SHA256
//
// Commit before recording the hash anywhere durable: a committed blob that
// nothing refers to is harmless, a reference to a blob that was never
// committed is not.
//
// Two backends are provided, chosen by the URL given to [Open]: the local
// filesystem (file://) and S3-compatible object storage (s3://).
//
// What this package must not do:
//
//   - Delete. Blobs are records of public administration; disposing of them
//     follows archival rules (JRWA categories, the archive's consent) that
//     belong to another part of the system, which will have its own,
//     audited path. There is deliberately no Delete method.
//   - Know about documents, cases or users. A blob is bytes and a hash; file
//     names, media types, metadata and access control live elsewhere.
package blob
