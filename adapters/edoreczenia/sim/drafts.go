package sim

import (
	"net/http"
	"strings"

	"obieg.dev/obieg/adapters/edoreczenia"
)

// draftsAPI serves /{addr}/drafts…: create, list, read, replace, delete,
// add an attachment, send.
func (s *Server) draftsAPI(w http.ResponseWriter, r *http.Request, addr string, p []string) {
	n, m := len(p), r.Method
	switch {
	case n == 1 && m == http.MethodPost:
		var in edoreczenia.Message
		if !readJSON(w, r, &in) {
			return
		}
		id := newID()
		s.mu.Lock()
		s.drafts[id] = &draft{owner: addr, msg: in}
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, edoreczenia.MessageOperation{MessageID: id})
	case n == 1 && m == http.MethodGet:
		s.mu.Lock()
		out := edoreczenia.MessagesWrapper{Messages: []edoreczenia.Message{}}
		for id, d := range s.drafts {
			if d.owner == addr {
				out.Messages = append(out.Messages, draftView(id, d, false))
			}
		}
		s.mu.Unlock()
		out.ResultSize, out.Total = len(out.Messages), len(out.Messages)
		writeJSON(w, http.StatusOK, out)
	case n == 2 && p[1] == "send" && m == http.MethodPost:
		var in struct {
			MessageID string `json:"messageId"`
		}
		if !readJSON(w, r, &in) {
			return
		}
		s.mu.Lock()
		d := s.drafts[in.MessageID]
		if d == nil || d.owner != addr {
			s.mu.Unlock()
			writeError(w, http.StatusNotFound, "NOT_FOUND", "no draft "+in.MessageID)
			return
		}
		delete(s.drafts, in.MessageID)
		s.mu.Unlock()
		msg := d.msg
		info, status, code, desc := s.submit(addr, &msg)
		if status != http.StatusAccepted {
			writeError(w, status, code, desc)
			return
		}
		writeJSON(w, http.StatusAccepted, info)
	case n == 2 || (n == 3 && p[2] == "attachments"):
		s.draft(w, r, addr, p)
	default:
		writeError(w, http.StatusNotFound, "NOT_FOUND", "not simulated: "+m+" "+r.URL.Path)
	}
}

func (s *Server) draft(w http.ResponseWriter, r *http.Request, addr string, p []string) {
	ids := strings.Split(p[1], ",")
	s.mu.Lock()
	d := s.drafts[ids[0]]
	s.mu.Unlock()
	if d == nil || d.owner != addr {
		writeError(w, http.StatusNotFound, "NOT_FOUND", "no draft "+p[1])
		return
	}
	switch {
	case len(p) == 2 && r.Method == http.MethodGet:
		s.mu.Lock()
		v := draftView(ids[0], d, true)
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, v)
	case len(p) == 2 && r.Method == http.MethodPut:
		var in edoreczenia.Message
		if !readJSON(w, r, &in) {
			return
		}
		s.mu.Lock()
		d.msg = in
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, edoreczenia.MessageOperation{MessageID: ids[0]})
	case len(p) == 2 && r.Method == http.MethodDelete:
		out := []edoreczenia.MessageOperation{}
		s.mu.Lock()
		for _, id := range ids {
			if x := s.drafts[id]; x != nil && x.owner == addr {
				delete(s.drafts, id)
				out = append(out, edoreczenia.MessageOperation{MessageID: id})
			}
		}
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, out)
	case len(p) == 3 && r.Method == http.MethodPost:
		var f edoreczenia.FileData
		if !readJSON(w, r, &f) {
			return
		}
		if f.Metadata == nil || f.Metadata.FileID == "" {
			writeError(w, http.StatusBadRequest, "INVALID_FILE", "fileMetadata.fileId is required")
			return
		}
		id := newID()
		s.mu.Lock()
		d.msg.Attachments = append(d.msg.Attachments, edoreczenia.Attachment{Order: len(d.msg.Attachments) + 1, AttachmentID: id, File: &f})
		s.mu.Unlock()
		meta := *f.Metadata
		writeJSON(w, http.StatusOK, edoreczenia.FileWrapper{AttachmentID: id, Metadata: &meta})
	default:
		writeError(w, http.StatusMethodNotAllowed, "METHOD", r.Method+" not allowed")
	}
}

// draftView is a draft as GET answers it; callers hold s.mu.
func draftView(id string, d *draft, full bool) edoreczenia.Message {
	v := d.msg
	md := edoreczenia.MessageMetadata{ShippingService: "electronic"}
	if v.Metadata != nil {
		md = *v.Metadata
	}
	md.MessageID = id
	v.Metadata = &md
	if !full {
		v.Attachments, v.TextBody = nil, ""
	}
	return v
}

// --- threads ----------------------------------------------------------------

func (s *Server) listThreads(w http.ResponseWriter, r *http.Request, addr string) {
	caseID := r.URL.Query().Get("caseId")
	s.mu.Lock()
	defer s.mu.Unlock()
	out := edoreczenia.Threads{Threads: []edoreczenia.ThreadHeader{}}
	for _, m := range s.order { // threads in order of their first message
		t := s.threads[m.threadID]
		if t.messages[0] != m || (caseID != "" && !contains(t.caseIDs, caseID)) {
			continue
		}
		var mine []*message
		for _, x := range t.messages {
			if visible(x, addr) {
				mine = append(mine, x)
			}
		}
		if len(mine) == 0 {
			continue
		}
		first, last := mine[0].submitted, mine[len(mine)-1].submitted
		opened := true
		h := edoreczenia.ThreadHeader{ThreadID: t.id, CaseIDs: t.caseIDs, FirstMessageTitle: mine[0].subject,
			FirstSubmission: &first, LastSubmission: &last, MessagesCount: float64(len(mine)), Opened: &opened}
		for _, x := range mine {
			if x.to == addr && !x.opened {
				opened = false
			}
			h.Senders = append(h.Senders, contributor(x.fromWho, x.from))
			h.Recipients = append(h.Recipients, contributor(x.toWho, x.to))
		}
		out.Threads = append(out.Threads, h)
	}
	out.Total = len(out.Threads)
	writeJSON(w, http.StatusOK, out)
}

func contributor(c *edoreczenia.Contributor, addr string) edoreczenia.Contributor {
	if c != nil {
		return *c
	}
	return edoreczenia.Contributor{CompanyName: addr}
}

func (s *Server) getThread(w http.ResponseWriter, addr, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.threads[id]
	out := edoreczenia.Thread{ThreadID: id, Messages: &edoreczenia.MessagesWrapper{Messages: []edoreczenia.Message{}}}
	if t != nil {
		for _, m := range t.messages {
			if visible(m, addr) {
				out.Messages.Messages = append(out.Messages.Messages, s.render(m, addr, "metadata"))
			}
		}
	}
	if len(out.Messages.Messages) == 0 {
		writeError(w, http.StatusNotFound, "NOT_FOUND", "no thread "+id)
		return
	}
	out.Messages.ResultSize, out.Messages.Total = len(out.Messages.Messages), len(out.Messages.Messages)
	writeJSON(w, http.StatusOK, out)
}
