// Package mail reads e-mail messages saved as .eml files (RFC 5322 with
// MIME) so that an office clerk can register a received e-mail as an
// incoming item (przesyłka wpływająca) in the register.
//
// Parse turns the file into a Message: sender, recipients, subject, date and
// Message-ID from the header; the body as plain text (and HTML, if any)
// converted to UTF-8; and the attachments with their bytes and SHA-256. It
// reads what Polish mail clients send: Thunderbird and Outlook, UTF-8,
// ISO-8859-2 and Windows-1250 (decoded with small tables here, no x/text),
// RFC 2047 encoded words, RFC 2231 file names, quoted-printable and base64,
// format=flowed, nested multiparts and forwarded messages (message/rfc822,
// attached whole as an .eml file named after its subject).
//
// The input is untrusted. Parse never panics, bounds its work with Limits
// (whole message size, decoded size, number of parts, multipart depth) and
// reports a file name as sent (Attachment.FileName, to record or refuse)
// apart from a name safe to store (Attachment.SafeName). Malformed but
// readable content is read leniently and noted in Message.Warnings; only a
// file that is not a message at all (engine.KindInvalid) or exceeds a limit
// (engine.KindTooLarge) is an error.
//
// What it must not do: it only reads. No network (no fetching of remote
// images or IMAP/POP3; those belong to other adapters), no database, no
// files written, no registration and no decision about whether an
// attachment is acceptable: the caller (the registry) does all that with
// the Message it gets.
package mail
