package edoreczenia

import (
	"encoding/json"
	"time"

	"obieg.dev/obieg/engine"
)

// The JSON shapes of the UA API (testdata/uaapi_3.0.8.1.yaml, components/
// schemas). Field names follow the document exactly; only the fields Obieg
// reads or writes are declared, unknown ones are ignored on decoding.

// Message is the Message schema: a message, a draft or an item of a list.
type Message struct {
	ControlData *MessageControlData `json:"messageControlData,omitempty"`
	Metadata    *MessageMetadata    `json:"messageMetadata,omitempty"`
	TextBody    string              `json:"textBody,omitempty"` // at most 5000 characters
	Attachments []Attachment        `json:"attachments,omitempty"`
	Evidences   []EvidenceInfo      `json:"evidences,omitempty"`
}

// ID returns the message id from its metadata.
func (m *Message) ID() string {
	if m == nil || m.Metadata == nil {
		return ""
	}
	return m.Metadata.MessageID
}

// MessageControlData is set by the service (status, opened, labels).
type MessageControlData struct {
	MessageTaskID string  `json:"messageTaskId,omitempty"`
	Opened        *bool   `json:"opened,omitempty"`
	Status        string  `json:"status,omitempty"` // "Doręczona", "Uznana za doręczoną", …
	StatusDesc    string  `json:"statusDescription,omitempty"`
	MessageType   string  `json:"messageType,omitempty"` // Message, Evidence, Stub, massMessageGrouped
	DaysToReceive *int    `json:"daysToReceive,omitempty"`
	Labels        []Label `json:"labels,omitempty"`
}

// Label is a folder of a mailbox (INBOX, SENT, …).
type Label struct {
	Label    string `json:"label,omitempty"`
	Location string `json:"messageLocation,omitempty"`
}

// Message status values of MessageControlData.status.
const (
	StatusDelivered = "Doręczona"
	StatusDeemed    = "Uznana za doręczoną"
	StatusWaiting   = "Czeka na doręczenie"
	StatusSent      = "Wysłana"
	StatusRejected  = "Odrzucona"
	StatusFailed    = "Niedoręczona"
)

// MessageMetadata: addressing, subject, thread and case, dates.
type MessageMetadata struct {
	From            *AddressData      `json:"from,omitempty"`
	To              []AddressData     `json:"to,omitempty"`
	Subject         string            `json:"subject,omitempty"`
	MessageID       string            `json:"messageId,omitempty"`
	RefToMessageID  string            `json:"refToMessageId,omitempty"`
	ThreadID        string            `json:"threadId,omitempty"`
	CaseID          string            `json:"caseId,omitempty"` // the case signature (znak sprawy)
	Timestamp       *time.Time        `json:"timestamp,omitempty"`
	ReceiptDate     *time.Time        `json:"receiptDate,omitempty"`
	SubmissionDate  *time.Time        `json:"submissionDate,omitempty"`
	EventDate       *time.Time        `json:"eventDate,omitempty"`
	ShippingService string            `json:"shippingService"` // required: electronic or hybrid
	AdditionalData  map[string]string `json:"additionalData,omitempty"`
}

// AddressData is MessageAddressData: an e-Delivery address and who holds it.
type AddressData struct {
	EDeliveryAddress string       `json:"eDeliveryAddress,omitempty"`
	Contributor      *Contributor `json:"contributor,omitempty"`
}

// Contributor names a sender or recipient.
type Contributor struct {
	FirstName   string `json:"firstName,omitempty"`
	LastName    string `json:"lastName,omitempty"`
	CompanyName string `json:"companyName,omitempty"`
}

// Name is the company name or the person's names.
func (c *Contributor) Name() string {
	if c == nil {
		return ""
	}
	if c.CompanyName != "" {
		return c.CompanyName
	}
	switch {
	case c.FirstName != "" && c.LastName != "":
		return c.FirstName + " " + c.LastName
	case c.LastName != "":
		return c.LastName
	}
	return c.FirstName
}

// Attachment of a message; File.File carries the content (base64).
type Attachment struct {
	Order        int       `json:"order,omitempty"`
	AttachmentID string    `json:"attachmentId,omitempty"`
	File         *FileData `json:"file,omitempty"`
}

// FileData is a file's metadata and, when asked for, its content.
type FileData struct {
	Metadata *FileMetadata `json:"fileMetadata,omitempty"`
	File     []byte        `json:"file,omitempty"` // base64 in JSON
}

// FileMetadata: fileId is required by the schema.
type FileMetadata struct {
	FileID      string `json:"fileId"`
	Filename    string `json:"filename,omitempty"`
	ContentType string `json:"contentType,omitempty"`
	Size        int64  `json:"size,omitempty"`
	Alg         string `json:"alg,omitempty"`  // "SHA-3"
	Hash        string `json:"hash,omitempty"` // base64 SHA3-256 (the document does not say the encoding)
	Description string `json:"description,omitempty"`
}

// MessagesWrapper is a page of messages.
type MessagesWrapper struct {
	Messages   []Message `json:"messages"`
	ResultSize int       `json:"resultSize"` // required by the document, though not among its properties
	Total      int       `json:"total,omitempty"`
	Warning    string    `json:"warning,omitempty"`
}

// MessageInfo answers a send: the task that sends the message.
type MessageInfo struct {
	Warning       string `json:"warning,omitempty"`
	MessageTaskID string `json:"messageTaskId,omitempty"`
}

// MessageTaskResult is MessageOperationResponseWrapperStatus: what a send
// task made, one per addressee.
type MessageTaskResult struct {
	MessageID        string       `json:"messageId,omitempty"`
	Addressee        *AddressData `json:"addressee,omitempty"`
	AddresseeADE     string       `json:"addresseeAde"` // required by the document, though not among its properties
	Status           string       `json:"status"`       // likewise
	Error            string       `json:"error,omitempty"`
	ErrorDescription string       `json:"error_description,omitempty"`
}

// MessageOperation names one message (drafts, deletions).
type MessageOperation struct {
	MessageID string `json:"messageId,omitempty"`
	Warning   string `json:"warning,omitempty"`
}

// FileWrapper answers an attachment upload.
type FileWrapper struct {
	AttachmentID string        `json:"attachmentId,omitempty"`
	Warning      string        `json:"warning,omitempty"`
	Metadata     *FileMetadata `json:"fileMetadata,omitempty"`
}

// EvidenceInfo is the Evidence schema: the JSON description of an evidence
// (its XML is downloaded separately, see Client.DownloadEvidence).
type EvidenceInfo struct {
	EvidenceID    string       `json:"evidenceId"`
	MessageID     string       `json:"messageId"`
	CreateDate    *time.Time   `json:"createDate,omitempty"`
	EventDate     *time.Time   `json:"eventDate,omitempty"`
	ReasonDetails []string     `json:"reasonDetails,omitempty"`
	ReasonID      string       `json:"reasonId,omitempty"`
	ExternalData  string       `json:"externalData,omitempty"`
	Downloaded    *bool        `json:"downloaded,omitempty"`
	Type          string       `json:"type,omitempty"` // A.1, E.1, BP.OX, …
	From          *AddressData `json:"from,omitempty"`
	To            *AddressData `json:"to,omitempty"`
}

// EvidenceWrapper is a list of evidences.
type EvidenceWrapper struct {
	Evidences []EvidenceInfo `json:"evidences"`
	Warning   string         `json:"warning,omitempty"`
}

// Threads is a page of threads.
type Threads struct {
	Total   int            `json:"total,omitempty"`
	Threads []ThreadHeader `json:"Thread"`
}

// ThreadHeader is ThreadWrapper: a thread with its case signatures.
type ThreadHeader struct {
	Opened            *bool         `json:"opened,omitempty"`
	ThreadID          string        `json:"threadId,omitempty"`
	CaseIDs           []string      `json:"caseIDs,omitempty"`
	Recipients        []Contributor `json:"recipients,omitempty"`
	Senders           []Contributor `json:"senders,omitempty"`
	FirstMessageTitle string        `json:"firstMessageTitle,omitempty"`
	FirstSubmission   *time.Time    `json:"firstMessageSubmissionDate,omitempty"`
	LastSubmission    *time.Time    `json:"lastMessageSubmissionDate,omitempty"`
	MessagesCount     float64       `json:"messagesCount,omitempty"`
}

// Thread is one thread with its messages.
type Thread struct {
	ThreadID string           `json:"threadId,omitempty"`
	Messages *MessagesWrapper `json:"messages,omitempty"`
}

// SubscriptionCreate registers callback URLs for a mailbox.
type SubscriptionCreate struct {
	MessageCallbackURL        string `json:"messageCallbackUrl,omitempty"`
	MessageCreatedCallbackURL string `json:"messageCreatedCallbackUrl,omitempty"`
	ArchiveCreatedCallbackURL string `json:"archiveCreatedCallbackUrl,omitempty"`
	EvidenceCallbackURL       string `json:"evidenceCallbackUrl,omitempty"`
	InboxCallbackURL          string `json:"inboxCallbackUrl,omitempty"`
}

// Subscription is one registered callback.
type Subscription struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	URL    string `json:"url"`
	Status bool   `json:"status"`
}

// SubscriptionCreated answers a subscription.
type SubscriptionCreated struct {
	SubscriptionID string `json:"subscriptionId"`
}

// Notification is MessageStatement: what the service posts to a callback URL.
type Notification struct {
	EDeliveryAddress string             `json:"eDeliveryAddress"`
	NotificationType string             `json:"notificationType"`
	ElectronicCount  *int               `json:"electronicCount,omitempty"`
	Items            []NotificationItem `json:"notification,omitempty"`
}

// NotificationItem names a message (inbox notifications) or an evidence
// (evidence notifications, whose Type is the evidence type).
type NotificationItem struct {
	ID       string `json:"id"`
	ThreadID string `json:"threadId,omitempty"`
	Type     string `json:"type,omitempty"`
}

// Notification types sent by the simulator; the document does not list
// the values, so the handler treats any type naming evidences (NewEvidence)
// as such and everything else as messages.
const (
	NotifyMessage  = "NewMessage"
	NotifyEvidence = "NewEvidence"
)

// CallbackAnswer is SuccessInfo, the answer to a notification.
type CallbackAnswer struct {
	Status         string `json:"status"`
	NotificationID string `json:"notificationId,omitempty"`
}

// ErrorInfo is one error of an error response (an array of these).
type ErrorInfo struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	MessageID        string `json:"messageId,omitempty"`
}

// Limits on what is decoded from the service.
const (
	MaxJSONSize       = 8 << 20  // lists and metadata
	MaxAttachmentSize = 64 << 20 // one attachment with its base64 overhead
	MaxEvidenceSize   = 1 << 20  // one evidence XML
)

// DecodeMessage decodes one Message, refusing input above MaxJSONSize and
// trailing data (the fuzz tests drive it with arbitrary bytes).
func DecodeMessage(data []byte) (*Message, error) {
	var m Message
	if err := decodeJSON("edoreczenia.DecodeMessage", data, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

func decodeJSON(op string, data []byte, v any) error {
	if len(data) > MaxJSONSize {
		return engine.Errorf(op, engine.KindTooLarge, "the answer is larger than %d bytes", MaxJSONSize)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return engine.E(op, engine.KindUnavailable, "e-Doręczenia answered with JSON we cannot read", err)
	}
	return nil
}
