package registry

import (
	"bytes"
	"context"
	"io"

	"obieg.dev/obieg/storage/blob"
)

// StageFile stages content in the store as a file to register: written
// (and hashed) before the row that will name it, with its first bytes kept
// so registration can check the content is what its type claims. Discard
// the blob if the registration does not happen.
func StageFile(ctx context.Context, store blob.Store, name, mediaType string, content []byte, limit int64) (File, error) {
	return StageFileFrom(ctx, store, name, mediaType, bytes.NewReader(content), limit)
}

// StageFileFrom is StageFile for content read from r (an upload part),
// at most limit bytes.
func StageFileFrom(ctx context.Context, store blob.Store, name, mediaType string, r io.Reader, limit int64) (File, error) {
	hr := &headReader{r: r}
	st, err := store.Stage(ctx, hr, limit)
	if err != nil {
		return File{}, err
	}
	return File{Name: name, MediaType: mediaType, Head: hr.head, Blob: st}, nil
}

// headReader keeps the first 512 bytes read.
type headReader struct {
	r    io.Reader
	head []byte
}

func (h *headReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	if need := 512 - len(h.head); need > 0 && n > 0 {
		h.head = append(h.head, p[:min(n, need)]...)
	}
	return n, err
}
