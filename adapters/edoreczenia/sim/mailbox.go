package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"obieg.dev/obieg/adapters/edoreczenia"
	"obieg.dev/obieg/engine/calendar"
)

// message is one message, seen from the sender's box (label SENT) and the
// addressee's (INBOX).
type message struct {
	seq             int
	id, taskID      string
	from, to        string
	fromWho, toWho  *edoreczenia.Contributor
	subject, caseID string
	threadID, text  string
	additional      map[string]string
	attachments     []attachment
	submitted       time.Time // also the moment it is placed in the box
	opened, deemed  bool
	receipt         time.Time // proof of receipt (opened or deemed)
	deletedBy       map[string]bool
	refToID         string
}

type attachment struct {
	id      string
	meta    edoreczenia.FileMetadata
	content []byte
}

type draft struct {
	owner string
	msg   edoreczenia.Message
}

type thread struct {
	id       string
	caseIDs  []string
	messages []*message
}

type subscription struct {
	id   string
	urls edoreczenia.SubscriptionCreate
	on   bool
}

// NewMessage is a message put into a mailbox by the simulator's own API, as
// if someone had sent it.
type NewMessage struct {
	From        string                   `json:"from"`
	FromName    string                   `json:"fromName"`
	FromCompany bool                     `json:"fromCompany"`
	To          string                   `json:"to"`
	Subject     string                   `json:"subject"`
	CaseID      string                   `json:"caseId"`
	Text        string                   `json:"text"`
	Attachments []NewAttachment          `json:"attachments"`
	Additional  map[string]string        `json:"additionalData"`
	Who         *edoreczenia.Contributor `json:"-"`
}

// NewAttachment is a file of a NewMessage (content base64 in JSON).
type NewAttachment struct {
	FileName    string `json:"filename"`
	ContentType string `json:"contentType"`
	Content     []byte `json:"content"`
}

// Deliver puts a message into the addressee's box as if the sender had sent
// it: the proof of sending (A.1) and of placing in the box (D.1) are issued
// and the addressee's subscriptions notified. Addresses must be valid ADEs.
func (s *Server) Deliver(m NewMessage) (string, error) {
	if _, err := edoreczenia.ParseADE(m.From); err != nil {
		return "", err
	}
	if _, err := edoreczenia.ParseADE(m.To); err != nil {
		return "", err
	}
	who := m.Who
	if who == nil && m.FromName != "" {
		who = &edoreczenia.Contributor{LastName: m.FromName}
		if m.FromCompany {
			who = &edoreczenia.Contributor{CompanyName: m.FromName}
		}
	}
	msg := &message{from: m.From, to: m.To, fromWho: who, subject: m.Subject, caseID: m.CaseID, text: m.Text, additional: m.Additional}
	for i, a := range m.Attachments {
		msg.attachments = append(msg.attachments, attachment{id: newID(), content: a.Content, meta: edoreczenia.FileMetadata{
			FileID: newID(), Filename: a.FileName, ContentType: a.ContentType, Size: int64(len(a.Content)), Description: fmt.Sprintf("załącznik %d", i+1)}})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
	s.accept(msg)
	return msg.id, nil
}

// accept files a new message: ids, thread, evidences A.1 and D.1,
// notifications. Callers hold s.mu.
func (s *Server) accept(m *message) {
	s.seq++
	m.seq = s.seq
	m.id = newID()
	if m.taskID == "" {
		m.taskID = newID()
	}
	m.submitted = s.opts.Clock().UTC().Truncate(time.Second)
	m.deletedBy = map[string]bool{}
	t := s.threads[m.threadID]
	if t == nil {
		t = &thread{id: newID()}
		s.threads[t.id] = t
	}
	m.threadID = t.id
	t.messages = append(t.messages, m)
	if m.caseID != "" && !contains(t.caseIDs, m.caseID) {
		t.caseIDs = append(t.caseIDs, m.caseID)
	}
	s.messages[m.id] = m
	s.order = append(s.order, m)
	s.tasks[m.taskID] = append(s.tasks[m.taskID], m.id)
	if ref := m.additional[edoreczenia.ReferenceKey]; ref != "" {
		s.refs[m.from+"\x00"+ref] = m.id
	}
	s.issue(m, "SubmissionAcceptance", m.submitted, nil)
	s.issue(m, "ContentConsignment", m.submitted, nil)
	for _, sub := range s.subs[m.to] {
		if sub.on {
			s.notify(first(sub.urls.MessageCallbackURL, sub.urls.InboxCallbackURL), m.to, edoreczenia.NotifyMessage,
				edoreczenia.NotificationItem{ID: m.id, ThreadID: m.threadID})
		}
	}
}

func first(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// open records the addressee taking the message: proof of receipt (E.1).
// Callers hold s.mu.
func (s *Server) open(m *message) {
	if m.opened || m.deemed {
		m.opened = true
		return
	}
	m.opened = true
	m.receipt = s.opts.Clock().UTC().Truncate(time.Second)
	s.issue(m, "ContentHandover", m.receipt, nil)
}

// advance applies the fiction of delivery to every message not opened in
// time: the day after 14 days pass from placing it in the box (ustawa o
// doręczeniach elektronicznych art. 41–42), by the simulator's clock.
// Callers hold s.mu.
func (s *Server) advance() {
	today := calendar.DateOf(s.opts.Clock())
	for _, m := range s.order {
		if m.opened || m.deemed {
			continue
		}
		on := edoreczenia.DeemedOn(m.submitted)
		if today.Before(on) {
			continue
		}
		m.deemed = true
		m.receipt = on.Start().UTC()
		s.issue(m, "ContentHandover", m.receipt, &edoreczenia.Reason{Code: "DeemedDelivery",
			Details: "Uznana za doręczoną: nie odebrano w ciągu 14 dni (art. 41–42 ustawy o doręczeniach elektronicznych)"})
	}
}

// Open makes the addressee open a message (as POST /sim/messages/{id}/open).
func (s *Server) Open(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
	m := s.messages[id]
	if m == nil {
		return false
	}
	s.open(m)
	return true
}

// Tick applies the fiction of delivery by the current clock.
func (s *Server) Tick() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
}

// Count reports the messages in a mailbox with the label (INBOX or SENT).
func (s *Server) Count(addr, label string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, m := range s.order {
		if (label == "INBOX" && m.to == addr) || (label == "SENT" && m.from == addr) {
			n++
		}
	}
	return n
}

// Evidences reports the evidences issued for a message, oldest first.
func (s *Server) Evidences(messageID string) []edoreczenia.EvidenceInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []edoreczenia.EvidenceInfo
	for _, e := range s.evOrder {
		if e.msg.id == messageID {
			out = append(out, e.info(e.msg.from))
		}
	}
	return out
}

// --- the simulator's own API -----------------------------------------------

func (s *Server) simDeliver(w http.ResponseWriter, r *http.Request) {
	var in NewMessage
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<20)).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "body", `{from, fromName, to, subject, caseId, text, attachments: [{filename, contentType, content (base64)}]}`)
		return
	}
	id, err := s.Deliver(in)
	if err != nil {
		writeError(w, http.StatusBadRequest, "address", err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"messageId": id})
}

func (s *Server) simOpen(w http.ResponseWriter, r *http.Request) {
	if !s.Open(r.PathValue("id")) {
		writeError(w, http.StatusNotFound, "NOT_FOUND", "no message "+r.PathValue("id"))
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "opened"})
}

func (s *Server) simTick(w http.ResponseWriter, r *http.Request) {
	s.Tick()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) simFaults(w http.ResponseWriter, r *http.Request) {
	var f Faults
	if err := json.NewDecoder(io.LimitReader(r.Body, 4096)).Decode(&f); err != nil {
		writeError(w, http.StatusBadRequest, "body", `{"every": 7, "status": 503, "delay": "2s", "duplicates": true}`)
		return
	}
	if f.DelayText != "" {
		d, err := time.ParseDuration(f.DelayText)
		if err != nil || d < 0 || d > time.Minute {
			writeError(w, http.StatusBadRequest, "delay", "a duration up to 1m, e.g. \"2s\"")
			return
		}
		f.Delay = d
	}
	s.SetFaults(f)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) simMailbox(w http.ResponseWriter, r *http.Request) {
	addr := r.PathValue("addr")
	writeJSON(w, http.StatusOK, map[string]any{"address": addr, "inbox": s.Count(addr, "INBOX"), "sent": s.Count(addr, "SENT")})
}
