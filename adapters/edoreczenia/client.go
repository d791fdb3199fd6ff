package edoreczenia

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"obieg.dev/obieg/engine"
)

// Client calls the UA API (testdata/uaapi_3.0.8.1.yaml) of the
// e-Doręczenia service for the office's mailboxes. It never retries: the
// caller (a River job, the inbox loop) decides, by the error's kind —
// KindUnavailable for transport failures, timeouts, 429 and 5xx;
// KindInvalid for 400 and 422; KindNotFound for 404 (and 410);
// KindConflict for 409; KindUnauthenticated / KindForbidden for 401 / 403.
type Client struct {
	// BaseURL is the API root including /api/v1, e.g.
	// https://uaapi.edoreczenia.gov.pl/api/v1 (or the simulator's).
	BaseURL string
	Auth    *Auth        // nil sends no Authorization header
	HTTP    *http.Client // for mutual TLS use HTTPClient; default: 60 s timeout
}

// call sends one request to path (already escaped, under BaseURL) and
// decodes a JSON answer into out (when not nil) or returns the raw body.
func (c *Client) call(ctx context.Context, op, method, path string, query url.Values, in any, out any, limit int64) ([]byte, error) {
	if c.BaseURL == "" {
		return nil, engine.Errorf(op, engine.KindInvalid, "no e-Doręczenia API URL configured")
	}
	u := strings.TrimRight(c.BaseURL, "/") + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, engine.E(op, engine.KindInvalid, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, engine.E(op, engine.KindInvalid, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json, application/octet-stream;q=0.9")
	if c.Auth != nil {
		tok, err := c.Auth.Token(ctx)
		if err != nil {
			return nil, engine.E(op, err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	res, err := hc.Do(req)
	if err != nil {
		return nil, transportError(ctx, op, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, limit+1))
	if err != nil {
		return nil, transportError(ctx, op, err)
	}
	if int64(len(data)) > limit {
		return nil, engine.Errorf(op, engine.KindTooLarge, "the answer is larger than %d bytes", limit)
	}
	if res.StatusCode == http.StatusUnauthorized && c.Auth != nil {
		c.Auth.Invalidate()
	}
	if err := statusError(op, res.StatusCode, data); err != nil {
		return nil, err
	}
	if out != nil {
		if err := decodeJSON(op, data, out); err != nil {
			return nil, err
		}
	}
	return data, nil
}

func transportError(ctx context.Context, op string, err error) error {
	var ne net.Error
	switch {
	case ctx.Err() != nil:
		return engine.E(op, engine.KindUnavailable, "cancelled", ctx.Err())
	case errors.As(err, &ne) && ne.Timeout(), errors.Is(err, context.DeadlineExceeded):
		return engine.E(op, engine.KindUnavailable, "e-Doręczenia did not answer in time", err)
	}
	return engine.E(op, engine.KindUnavailable, "e-Doręczenia cannot be reached", err)
}

// statusError maps an HTTP status to an engine error carrying the service's
// own error codes (ErrorResponse: an array of ErrorInfo) when it sent them.
func statusError(op string, status int, body []byte) error {
	if status >= 200 && status < 300 {
		return nil
	}
	var infos []ErrorInfo
	_ = json.Unmarshal(body, &infos)
	var parts []string
	for i, e := range infos {
		if i == 3 {
			break
		}
		parts = append(parts, strings.TrimSpace(e.Error+" "+e.ErrorDescription))
	}
	detail := strings.Join(parts, "; ")
	if detail == "" {
		detail = http.StatusText(status)
	}
	msg := fmt.Sprintf("e-Doręczenia answered HTTP %d: %s", status, clip(detail))
	kind := engine.KindOther
	switch {
	case status == http.StatusNotFound || status == http.StatusGone:
		kind = engine.KindNotFound
	case status == http.StatusConflict:
		kind = engine.KindConflict
	case status == http.StatusUnauthorized:
		kind = engine.KindUnauthenticated
	case status == http.StatusForbidden:
		kind = engine.KindForbidden
	case status == http.StatusRequestEntityTooLarge:
		kind = engine.KindTooLarge
	case status == http.StatusTooManyRequests, status == http.StatusRequestTimeout, status >= 500:
		kind = engine.KindUnavailable
	case status >= 400:
		kind = engine.KindInvalid
	default:
		kind = engine.KindUnavailable // 1xx/3xx are not part of the API
	}
	return &engine.Error{Op: op, Kind: kind, Msg: msg}
}

// box is the escaped path of a mailbox: /{eDeliveryAddress}.
func box(address string) string { return "/" + url.PathEscape(address) }

func seg(s string) string { return "/" + url.PathEscape(s) }

// --- messages -----------------------------------------------------------

// SendMessage posts a message (POST /{address}/messages) and returns the
// task that sends it; TaskResult gives the message ids.
func (c *Client) SendMessage(ctx context.Context, address string, m *Message) (*MessageInfo, error) {
	var out MessageInfo
	_, err := c.call(ctx, "edoreczenia.SendMessage", http.MethodPost, box(address)+"/messages", nil, m, &out, MaxJSONSize)
	return &out, err
}

// TaskResult reports what a send task made (GET …/messages/tasks/{id}).
func (c *Client) TaskResult(ctx context.Context, address, taskID string) ([]MessageTaskResult, error) {
	var out []MessageTaskResult
	_, err := c.call(ctx, "edoreczenia.TaskResult", http.MethodGet, box(address)+"/messages/tasks"+seg(taskID), nil, nil, &out, MaxJSONSize)
	return out, err
}

// ListOptions select messages of a mailbox. Zero values are left out.
type ListOptions struct {
	Offset, Limit      int
	Format             string // metadata or minimal
	Label              string // INBOX, SENT, …
	Recipient, Subject string
	SubmissionFrom     time.Time
	SortColumn         string // e.g. submissionDate
	SortDirection      string // asc or desc
	Opened             *bool
}

func (o ListOptions) values() url.Values {
	v := url.Values{}
	if o.Offset > 0 {
		v.Set("offset", strconv.Itoa(o.Offset))
	}
	if o.Limit > 0 {
		v.Set("limit", strconv.Itoa(o.Limit))
	}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("format", o.Format)
	set("label", o.Label)
	set("recipient", o.Recipient)
	set("subject", o.Subject)
	set("sortColumn", o.SortColumn)
	set("sortDirection", o.SortDirection)
	if !o.SubmissionFrom.IsZero() {
		v.Set("submissionDateFrom", o.SubmissionFrom.UTC().Format(time.RFC3339))
	}
	if o.Opened != nil {
		v.Set("opened", strconv.FormatBool(*o.Opened))
	}
	return v
}

// ListMessages lists messages of a mailbox (GET /{address}/messages).
func (c *Client) ListMessages(ctx context.Context, address string, o ListOptions) (*MessagesWrapper, error) {
	var out MessagesWrapper
	_, err := c.call(ctx, "edoreczenia.ListMessages", http.MethodGet, box(address)+"/messages", o.values(), nil, &out, MaxJSONSize)
	return &out, err
}

// GetMessage reads one message (GET /{address}/messages/{id}); format is
// minimal, metadata, full (attachments listed, without content) or
// fullExtended (with content). Reading in full or fullExtended marks it
// opened, which for a private addressee is the legal delivery.
func (c *Client) GetMessage(ctx context.Context, address, id, format string) (*Message, error) {
	const op = "edoreczenia.GetMessage"
	q := url.Values{}
	if format != "" {
		q.Set("format", format)
	}
	var out []Message
	_, err := c.call(ctx, op, http.MethodGet, box(address)+"/messages"+seg(id), q, nil, &out, MaxAttachmentSize)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].ID() == id {
			return &out[i], nil
		}
	}
	return nil, engine.Errorf(op, engine.KindNotFound, "e-Doręczenia did not return message %s", clip(id))
}

// GetAttachment reads one attachment with its content.
func (c *Client) GetAttachment(ctx context.Context, address, messageID, attachmentID string) (*Attachment, error) {
	var out Attachment
	_, err := c.call(ctx, "edoreczenia.GetAttachment", http.MethodGet,
		box(address)+"/messages"+seg(messageID)+"/attachments"+seg(attachmentID), nil, nil, &out, MaxAttachmentSize)
	return &out, err
}

// --- drafts -------------------------------------------------------------

// CreateDraft stores a draft and returns its message id.
func (c *Client) CreateDraft(ctx context.Context, address string, m *Message) (string, error) {
	var out MessageOperation
	_, err := c.call(ctx, "edoreczenia.CreateDraft", http.MethodPost, box(address)+"/drafts", nil, m, &out, MaxJSONSize)
	return out.MessageID, err
}

// GetDraft reads a draft.
func (c *Client) GetDraft(ctx context.Context, address, id string) (*Message, error) {
	var out Message
	_, err := c.call(ctx, "edoreczenia.GetDraft", http.MethodGet, box(address)+"/drafts"+seg(id), nil, nil, &out, MaxAttachmentSize)
	return &out, err
}

// UpdateDraft replaces a draft.
func (c *Client) UpdateDraft(ctx context.Context, address, id string, m *Message) error {
	_, err := c.call(ctx, "edoreczenia.UpdateDraft", http.MethodPut, box(address)+"/drafts"+seg(id), nil, m, &MessageOperation{}, MaxJSONSize)
	return err
}

// DeleteDraft removes a draft.
func (c *Client) DeleteDraft(ctx context.Context, address, id string) error {
	_, err := c.call(ctx, "edoreczenia.DeleteDraft", http.MethodDelete, box(address)+"/drafts"+seg(id), nil, nil, &[]MessageOperation{}, MaxJSONSize)
	return err
}

// AddDraftAttachment uploads a file to a draft (POST …/drafts/{id}/attachments).
func (c *Client) AddDraftAttachment(ctx context.Context, address, id string, f *FileData) (*FileWrapper, error) {
	var out FileWrapper
	_, err := c.call(ctx, "edoreczenia.AddDraftAttachment", http.MethodPost, box(address)+"/drafts"+seg(id)+"/attachments", nil, f, &out, MaxJSONSize)
	return &out, err
}

// SendDraft sends a draft (POST /{address}/drafts/send).
func (c *Client) SendDraft(ctx context.Context, address, id string) (*MessageInfo, error) {
	var out MessageInfo
	_, err := c.call(ctx, "edoreczenia.SendDraft", http.MethodPost, box(address)+"/drafts/send", nil, map[string]string{"messageId": id}, &out, MaxJSONSize)
	return &out, err
}

// --- threads ------------------------------------------------------------

// ListThreads lists threads, optionally those of one case (caseId): a
// thread carries the case signatures of its messages (ThreadWrapper.caseIDs).
func (c *Client) ListThreads(ctx context.Context, address, caseID string) (*Threads, error) {
	q := url.Values{}
	if caseID != "" {
		q.Set("caseId", caseID)
	}
	var out Threads
	_, err := c.call(ctx, "edoreczenia.ListThreads", http.MethodGet, box(address)+"/threads", q, nil, &out, MaxJSONSize)
	return &out, err
}

// GetThread reads one thread with its messages.
func (c *Client) GetThread(ctx context.Context, address, threadID string) (*Thread, error) {
	var out Thread
	_, err := c.call(ctx, "edoreczenia.GetThread", http.MethodGet, box(address)+"/threads"+seg(threadID), nil, nil, &out, MaxJSONSize)
	return &out, err
}

// --- evidences ----------------------------------------------------------

// ListEvidences lists the evidences of one message.
func (c *Client) ListEvidences(ctx context.Context, address, messageID string) ([]EvidenceInfo, error) {
	var out EvidenceWrapper
	_, err := c.call(ctx, "edoreczenia.ListEvidences", http.MethodGet, box(address)+"/messages"+seg(messageID)+"/evidences", nil, nil, &out, MaxJSONSize)
	return out.Evidences, err
}

// ListAddressEvidences lists the evidences of a mailbox's messages; with
// onlyNew, those not downloaded yet.
func (c *Client) ListAddressEvidences(ctx context.Context, address string, onlyNew bool) ([]EvidenceInfo, error) {
	q := url.Values{"sortColumn": {"eventDate"}, "sortDirection": {"asc"}}
	if onlyNew {
		q.Set("downloaded", "false")
	}
	var out EvidenceWrapper
	_, err := c.call(ctx, "edoreczenia.ListAddressEvidences", http.MethodGet, box(address)+"/messages/evidences", q, nil, &out, MaxJSONSize)
	return out.Evidences, err
}

// GetEvidence reads the description of one evidence by its id.
func (c *Client) GetEvidence(ctx context.Context, address, evidenceID string) (*EvidenceInfo, error) {
	const op = "edoreczenia.GetEvidence"
	var out []EvidenceInfo
	if _, err := c.call(ctx, op, http.MethodGet, box(address)+"/messages/evidences"+seg(evidenceID), nil, nil, &out, MaxJSONSize); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].EvidenceID == evidenceID {
			return &out[i], nil
		}
	}
	return nil, engine.Errorf(op, engine.KindNotFound, "e-Doręczenia did not return evidence %s", clip(evidenceID))
}

// DownloadEvidence fetches the evidence document (the signed ETSI XML) of an
// electronic delivery (GET /{address}/evidences/purde/{evidenceId}).
func (c *Client) DownloadEvidence(ctx context.Context, address, evidenceID string) ([]byte, error) {
	return c.call(ctx, "edoreczenia.DownloadEvidence", http.MethodGet, box(address)+"/evidences/purde"+seg(evidenceID), nil, nil, nil, MaxEvidenceSize)
}

// --- subscriptions --------------------------------------------------------

// Subscribe registers callback URLs (PUT /{address}/message_subscriptions).
func (c *Client) Subscribe(ctx context.Context, address string, s SubscriptionCreate) (string, error) {
	var out SubscriptionCreated
	_, err := c.call(ctx, "edoreczenia.Subscribe", http.MethodPut, box(address)+"/message_subscriptions", nil, s, &out, MaxJSONSize)
	return out.SubscriptionID, err
}

// Subscriptions lists the callbacks of a mailbox.
func (c *Client) Subscriptions(ctx context.Context, address string) ([]Subscription, error) {
	var out []Subscription
	_, err := c.call(ctx, "edoreczenia.Subscriptions", http.MethodGet, box(address)+"/message_subscriptions", nil, nil, &out, MaxJSONSize)
	return out, err
}

// SetSubscription turns a subscription on or off.
func (c *Client) SetSubscription(ctx context.Context, address, id string, on bool) error {
	_, err := c.call(ctx, "edoreczenia.SetSubscription", http.MethodPatch, box(address)+"/message_subscriptions", nil,
		map[string]any{"subscriptionId": id, "status": on}, nil, MaxJSONSize)
	return err
}

// Unsubscribe deletes the mailbox's subscriptions (the document's DELETE
// names no single subscription).
func (c *Client) Unsubscribe(ctx context.Context, address string) error {
	_, err := c.call(ctx, "edoreczenia.Unsubscribe", http.MethodDelete, box(address)+"/message_subscriptions", nil, nil, nil, MaxJSONSize)
	return err
}
