package sim

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"obieg.dev/obieg/adapters/edoreczenia"
)

const maxBody = 96 << 20

// api dispatches /api/v1/{addr}/… (the mux cannot: the document's paths
// …/messages/evidences/{id} and …/messages/{id}/evidences overlap).
func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	addr := r.PathValue("addr")
	if _, err := edoreczenia.ParseADE(addr); err != nil {
		writeError(w, http.StatusBadRequest, "INVALID_ADDRESS", err.Error())
		return
	}
	if !s.authorise(w, r, addr) {
		return
	}
	p := strings.Split(strings.Trim(r.PathValue("rest"), "/"), "/")
	at := func(i int) string {
		if i < len(p) {
			return p[i]
		}
		return ""
	}
	m, n := r.Method, len(p)
	s.mu.Lock()
	s.advance()
	s.mu.Unlock()
	switch {
	case at(0) == "messages" && n == 1 && m == http.MethodGet:
		s.list(w, r, addr)
	case at(0) == "messages" && n == 1 && m == http.MethodPost:
		s.send(w, r, addr)
	case at(0) == "messages" && at(1) == "evidences" && n == 2 && m == http.MethodGet:
		s.addressEvidences(w, r, addr)
	case at(0) == "messages" && at(1) == "evidences" && n == 3 && m == http.MethodGet:
		s.evidenceInfo(w, addr, at(2))
	case at(0) == "messages" && at(1) == "tasks" && n == 3 && m == http.MethodGet:
		s.task(w, addr, at(2))
	case at(0) == "messages" && at(1) == "tasks" && n == 4 && at(3) == "status" && m == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]string{"messageTaskStatus": "FINISHED"})
	case at(0) == "messages" && n == 2 && m == http.MethodGet:
		s.get(w, r, addr, strings.Split(at(1), ","))
	case at(0) == "messages" && n == 2 && m == http.MethodDelete:
		s.remove(w, addr, strings.Split(at(1), ","))
	case at(0) == "messages" && n == 4 && at(2) == "attachments" && m == http.MethodGet:
		s.attachment(w, addr, at(1), at(3))
	case at(0) == "messages" && n == 3 && at(2) == "evidences" && m == http.MethodGet:
		s.messageEvidences(w, addr, at(1))
	case at(0) == "evidences" && n == 3 && (at(1) == "purde" || at(1) == "puh") && m == http.MethodGet:
		s.download(w, addr, at(2))
	case at(0) == "drafts":
		s.draftsAPI(w, r, addr, p)
	case at(0) == "threads" && n == 1 && m == http.MethodGet:
		s.listThreads(w, r, addr)
	case at(0) == "threads" && n == 2 && m == http.MethodGet:
		s.getThread(w, addr, at(1))
	case at(0) == "message_subscriptions" && n == 1:
		s.subscriptions(w, r, addr)
	default:
		writeError(w, http.StatusNotFound, "NOT_FOUND", "not simulated: "+m+" "+r.URL.Path)
	}
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(io.LimitReader(r.Body, maxBody)).Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "INVALID_BODY", "the body is not the expected JSON: "+err.Error())
		return false
	}
	return true
}

// visible reports whether a message is in the mailbox (sent or received).
func visible(m *message, addr string) bool {
	return (m.from == addr || m.to == addr) && !m.deletedBy[addr]
}

// render writes a message as the mailbox addr sees it, in a format.
func (s *Server) render(m *message, addr, format string) edoreczenia.Message {
	sub := m.submitted
	md := &edoreczenia.MessageMetadata{MessageID: m.id, ShippingService: "electronic"}
	out := edoreczenia.Message{Metadata: md}
	if format == "minimal" {
		return out
	}
	md.From = &edoreczenia.AddressData{EDeliveryAddress: m.from, Contributor: m.fromWho}
	md.To = []edoreczenia.AddressData{{EDeliveryAddress: m.to, Contributor: m.toWho}}
	md.Subject, md.ThreadID, md.CaseID, md.RefToMessageID = m.subject, m.threadID, m.caseID, m.refToID
	md.Timestamp, md.SubmissionDate, md.EventDate = &sub, &sub, &sub
	md.AdditionalData = m.additional
	if !m.receipt.IsZero() {
		rd := m.receipt
		md.ReceiptDate = &rd
	}
	label := "INBOX"
	if m.from == addr {
		label = "SENT"
	}
	opened := m.opened
	status := edoreczenia.StatusWaiting
	switch {
	case m.deemed:
		status = edoreczenia.StatusDeemed
	case m.opened:
		status = edoreczenia.StatusDelivered
	}
	days := 0
	if !m.opened && !m.deemed {
		days = max(0, int(edoreczenia.DeemedOn(m.submitted).Start().Sub(s.opts.Clock()).Hours()/24))
	}
	out.ControlData = &edoreczenia.MessageControlData{MessageTaskID: m.taskID, Opened: &opened, Status: status, MessageType: "Message",
		DaysToReceive: &days, Labels: []edoreczenia.Label{{Label: label}}}
	if format == "metadata" {
		return out
	}
	out.TextBody = m.text
	for i, a := range m.attachments {
		meta := a.meta
		att := edoreczenia.Attachment{Order: i + 1, AttachmentID: a.id, File: &edoreczenia.FileData{Metadata: &meta}}
		if format == "fullExtended" {
			att.File.File = a.content
		}
		out.Attachments = append(out.Attachments, att)
	}
	return out
}

func intParam(r *http.Request, name string, def, lo, hi int) (int, bool) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	return n, err == nil && n >= lo && n <= hi
}

func timeParam(r *http.Request, name string) (time.Time, bool) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.RFC3339, v)
	return t, err == nil
}

// list serves GET /{addr}/messages: filters, sorting, paging, and the
// Duplicates fault.
func (s *Server) list(w http.ResponseWriter, r *http.Request, addr string) {
	q := r.URL.Query()
	offset, ok1 := intParam(r, "offset", 0, 0, 1<<30)
	limit, ok2 := intParam(r, "limit", 20, 1, 2000)
	from, ok3 := timeParam(r, "submissionDateFrom")
	to, ok4 := timeParam(r, "submissionDateTo")
	if !ok1 || !ok2 || !ok3 || !ok4 {
		writeError(w, http.StatusBadRequest, "INVALID_PARAMETER", "offset, limit or a date is out of range")
		return
	}
	format := q.Get("format")
	if format == "" {
		format = "minimal"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var sel []*message
	for _, m := range s.order {
		switch {
		case !visible(m, addr),
			q.Get("label") == "INBOX" && m.to != addr,
			q.Get("label") == "SENT" && m.from != addr,
			q.Get("recipient") != "" && m.to != q.Get("recipient"),
			q.Get("subject") != "" && !strings.Contains(m.subject, q.Get("subject")),
			!from.IsZero() && m.submitted.Before(from),
			!to.IsZero() && m.submitted.After(to),
			q.Get("opened") != "" && strconv.FormatBool(m.opened) != q.Get("opened"):
			continue
		}
		sel = append(sel, m)
	}
	if q.Get("sortDirection") == "desc" {
		slices.Reverse(sel) // s.order is by submission already
	}
	total := len(sel)
	sel = sel[min(offset, len(sel)):]
	sel = sel[:min(limit, len(sel))]
	out := edoreczenia.MessagesWrapper{Messages: []edoreczenia.Message{}, Total: total}
	for _, m := range sel {
		out.Messages = append(out.Messages, s.render(m, addr, format))
	}
	if s.faults.Duplicates && len(out.Messages) > 0 {
		out.Messages = append(out.Messages, out.Messages[0])
	}
	out.ResultSize = len(out.Messages)
	writeJSON(w, http.StatusOK, out)
}

// send serves POST /{addr}/messages. A second message from the same mailbox
// with the same ReferenceKey is not sent again: the first one's task is
// answered (the simulator's idempotency; the Sender also looks up first).
func (s *Server) send(w http.ResponseWriter, r *http.Request, addr string) {
	var in edoreczenia.Message
	if !readJSON(w, r, &in) {
		return
	}
	info, status, code, desc := s.submit(addr, &in)
	if status != http.StatusAccepted {
		writeError(w, status, code, desc)
		return
	}
	writeJSON(w, http.StatusAccepted, info)
}

func (s *Server) submit(addr string, in *edoreczenia.Message) (edoreczenia.MessageInfo, int, string, string) {
	md := in.Metadata
	if md == nil || len(md.To) == 0 {
		return edoreczenia.MessageInfo{}, http.StatusBadRequest, "INVALID_MESSAGE", "messageMetadata.to is required"
	}
	if md.ShippingService != "electronic" {
		return edoreczenia.MessageInfo{}, http.StatusBadRequest, "INVALID_MESSAGE", "only electronic shipping is simulated"
	}
	if md.From != nil && md.From.EDeliveryAddress != "" && md.From.EDeliveryAddress != addr {
		return edoreczenia.MessageInfo{}, http.StatusBadRequest, "INVALID_SENDER", "messageMetadata.from is not the mailbox"
	}
	for _, t := range md.To {
		if _, err := edoreczenia.ParseADE(t.EDeliveryAddress); err != nil {
			return edoreczenia.MessageInfo{}, http.StatusBadRequest, "INVALID_RECIPIENT", err.Error()
		}
	}
	if len([]rune(in.TextBody)) > 5000 {
		return edoreczenia.MessageInfo{}, http.StatusBadRequest, "INVALID_MESSAGE", "textBody is longer than 5000 characters"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ref := md.AdditionalData[edoreczenia.ReferenceKey]; ref != "" {
		if id, ok := s.refs[addr+"\x00"+ref]; ok {
			return edoreczenia.MessageInfo{MessageTaskID: s.messages[id].taskID}, http.StatusAccepted, "", ""
		}
	}
	if md.ThreadID != "" && s.threads[md.ThreadID] == nil {
		return edoreczenia.MessageInfo{}, http.StatusBadRequest, "INVALID_THREAD", "no thread " + md.ThreadID
	}
	task := newID()
	for _, t := range md.To {
		m := &message{taskID: task, from: addr, to: t.EDeliveryAddress, subject: md.Subject, caseID: md.CaseID, threadID: md.ThreadID,
			refToID: md.RefToMessageID, text: in.TextBody, additional: md.AdditionalData, toWho: t.Contributor}
		if md.From != nil {
			m.fromWho = md.From.Contributor
		}
		for _, a := range in.Attachments {
			if a.File == nil || a.File.Metadata == nil {
				continue
			}
			m.attachments = append(m.attachments, attachment{id: newID(), meta: *a.File.Metadata, content: a.File.File})
		}
		s.accept(m)
	}
	return edoreczenia.MessageInfo{MessageTaskID: task}, http.StatusAccepted, "", ""
}

func (s *Server) task(w http.ResponseWriter, addr, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids, ok := s.tasks[id]
	if !ok {
		writeError(w, http.StatusNotFound, "NOT_FOUND", "no task "+id)
		return
	}
	out := []edoreczenia.MessageTaskResult{}
	for _, mid := range ids {
		m := s.messages[mid]
		if m.from != addr {
			continue
		}
		out = append(out, edoreczenia.MessageTaskResult{MessageID: m.id, Addressee: &edoreczenia.AddressData{EDeliveryAddress: m.to},
			AddresseeADE: m.to, Status: edoreczenia.StatusSent})
	}
	writeJSON(w, http.StatusOK, out)
}

// get serves GET /{addr}/messages/{ids}; the addressee reading in full
// opens the message.
func (s *Server) get(w http.ResponseWriter, r *http.Request, addr string, ids []string) {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "full"
	}
	if len(ids) > 50 {
		writeError(w, http.StatusBadRequest, "INVALID_PARAMETER", "at most 50 ids")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []edoreczenia.Message{}
	for _, id := range ids {
		m := s.messages[id]
		if m == nil || !visible(m, addr) {
			continue
		}
		if m.to == addr && (format == "full" || format == "fullExtended") {
			s.open(m)
		}
		out = append(out, s.render(m, addr, format))
	}
	if len(out) == 0 {
		writeError(w, http.StatusNotFound, "NOT_FOUND", "no such message in "+addr)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) remove(w http.ResponseWriter, addr string, ids []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []edoreczenia.MessageOperation{}
	for _, id := range ids {
		if m := s.messages[id]; m != nil && visible(m, addr) {
			m.deletedBy[addr] = true
			out = append(out, edoreczenia.MessageOperation{MessageID: id})
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) attachment(w http.ResponseWriter, addr, id, attID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.messages[id]; m != nil && visible(m, addr) {
		for i, a := range m.attachments {
			if a.id == attID {
				meta := a.meta
				writeJSON(w, http.StatusOK, edoreczenia.Attachment{Order: i + 1, AttachmentID: a.id, File: &edoreczenia.FileData{Metadata: &meta, File: a.content}})
				return
			}
		}
	}
	writeError(w, http.StatusNotFound, "NOT_FOUND", "no such attachment")
}

// --- evidences ------------------------------------------------------------

func (s *Server) messageEvidences(w http.ResponseWriter, addr, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.messages[id]
	if m == nil || !visible(m, addr) {
		writeError(w, http.StatusNotFound, "NOT_FOUND", "no such message in "+addr)
		return
	}
	out := edoreczenia.EvidenceWrapper{Evidences: []edoreczenia.EvidenceInfo{}}
	for _, e := range s.evOrder {
		if e.msg == m {
			out.Evidences = append(out.Evidences, e.info(addr))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// addressEvidences lists the evidences of the letters the mailbox sent.
func (s *Server) addressEvidences(w http.ResponseWriter, r *http.Request, addr string) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	out := edoreczenia.EvidenceWrapper{Evidences: []edoreczenia.EvidenceInfo{}}
	for _, e := range s.evOrder {
		if e.msg.from != addr || (q.Get("type") != "" && edoreczenia.NormalizeCode(q.Get("type")) != e.code) ||
			(q.Get("downloaded") != "" && strconv.FormatBool(e.downloaded[addr]) != q.Get("downloaded")) {
			continue
		}
		out.Evidences = append(out.Evidences, e.info(addr))
	}
	if q.Get("sortDirection") == "desc" {
		slices.Reverse(out.Evidences)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) evidenceInfo(w http.ResponseWriter, addr, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.evidences[id]
	if e == nil || !visible(e.msg, addr) {
		writeError(w, http.StatusNotFound, "NOT_FOUND", "no such evidence")
		return
	}
	writeJSON(w, http.StatusOK, []edoreczenia.EvidenceInfo{e.info(addr)})
}

// download serves the evidence XML and marks it downloaded for the mailbox.
func (s *Server) download(w http.ResponseWriter, addr, id string) {
	s.mu.Lock()
	e := s.evidences[id]
	if e == nil || !visible(e.msg, addr) {
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "NOT_FOUND", "no such evidence")
		return
	}
	e.downloaded[addr] = true
	data := e.xml
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(data)
}

// --- subscriptions ----------------------------------------------------------

func (s *Server) subscriptions(w http.ResponseWriter, r *http.Request, addr string) {
	switch r.Method {
	case http.MethodPut:
		var in edoreczenia.SubscriptionCreate
		if !readJSON(w, r, &in) {
			return
		}
		for _, u := range []string{in.MessageCallbackURL, in.EvidenceCallbackURL, in.InboxCallbackURL, in.MessageCreatedCallbackURL, in.ArchiveCreatedCallbackURL} {
			if u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
				writeError(w, http.StatusBadRequest, "INVALID_URL", "callback URLs must be http(s)")
				return
			}
		}
		sub := &subscription{id: newID(), urls: in, on: true}
		s.mu.Lock()
		s.subs[addr] = append(s.subs[addr], sub)
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, edoreczenia.SubscriptionCreated{SubscriptionID: sub.id})
	case http.MethodGet:
		s.mu.Lock()
		out := []edoreczenia.Subscription{}
		for _, sub := range s.subs[addr] {
			for _, u := range []struct{ name, url string }{{"messageCallbackUrl", sub.urls.MessageCallbackURL},
				{"evidenceCallbackUrl", sub.urls.EvidenceCallbackURL}, {"inboxCallbackUrl", sub.urls.InboxCallbackURL},
				{"messageCreatedCallbackUrl", sub.urls.MessageCreatedCallbackURL}, {"archiveCreatedCallbackUrl", sub.urls.ArchiveCreatedCallbackURL}} {
				if u.url != "" {
					out = append(out, edoreczenia.Subscription{ID: sub.id, Name: u.name, URL: u.url, Status: sub.on})
				}
			}
		}
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, out)
	case http.MethodPatch:
		var in struct {
			ID     string `json:"subscriptionId"`
			Status *bool  `json:"status"`
		}
		if !readJSON(w, r, &in) {
			return
		}
		if in.Status == nil {
			writeError(w, http.StatusBadRequest, "INVALID_BODY", "subscriptionId and status are required")
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, sub := range s.subs[addr] {
			if sub.id == in.ID {
				sub.on = *in.Status
				w.WriteHeader(http.StatusOK)
				return
			}
		}
		writeError(w, http.StatusNotFound, "NOT_FOUND", "no subscription "+in.ID)
	case http.MethodDelete:
		s.mu.Lock()
		delete(s.subs, addr)
		s.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	default:
		writeError(w, http.StatusMethodNotAllowed, "METHOD", r.Method+" not allowed")
	}
}
