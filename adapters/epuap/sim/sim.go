package sim

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"obieg.dev/obieg/adapters/epuap"
	"obieg.dev/obieg/adapters/sign"
)

// Sim is the simulator. Create it with New and serve Handler().
type Sim struct {
	// Verify checks a request's WS-Security signature; nil accepts any.
	Verify func(envelope []byte) error
	// Key signs the receipts (UPP, UPD) as ePUAP does: enveloped XAdES. New
	// sets a development key of the simulator's own; replace it to sign
	// with another, or set it nil for unsigned receipts. An office trusts
	// the simulator by its certificate (Certificate, GET /sim/certificate).
	Key    *sign.Key
	Clock  func() time.Time
	Logger *slog.Logger

	mu         sync.Mutex
	boxes      map[string][]epuap.Received // box address → documents waiting, oldest first
	deliveries map[string]delivery         // document id → what an opening answers
	files      map[string]storedFile       // FileRepo: id → file
	faults     Faults
	calls      int
}

type storedFile struct {
	name, mediaType string
	content         []byte
}

type delivery struct {
	from, to, replyTo, caseID, docID string
	opened                           bool
}

// Faults make the simulator misbehave: every EveryN-th call (SOAP, or a
// FileRepo download) fails — a SOAP server fault or HTTP 500 — and every
// call waits Delay first.
type Faults struct {
	EveryN  int           `json:"everyN"`
	DelayMs int           `json:"delayMs"`
	Delay   time.Duration `json:"-"`
}

// New returns an empty simulator with a development signing key of its
// own (sign.DevelopmentKey). The certificate is valid from a year back, so
// tests may run the simulator's clock in the past and its receipts still
// verify at their signing time. It panics only if no key can be generated
// (the system's random source failed).
func New() *Sim {
	key, err := sign.DevelopmentKey("ePUAP (symulator Obieg)", "Obieg ePUAP simulator", time.Now().AddDate(-1, 0, 0))
	if err != nil {
		panic("epuap sim: no signing key: " + err.Error())
	}
	return &Sim{boxes: map[string][]epuap.Received{}, deliveries: map[string]delivery{}, files: map[string]storedFile{},
		Key: key, Clock: time.Now, Logger: slog.Default()}
}

// Certificate returns the certificate the receipts are signed with and its
// chain as PEM, for an office's trust store (OBIEG_EPUAP_TRUST); nil when
// the simulator signs nothing.
func (s *Sim) Certificate() []byte {
	if s.Key == nil {
		return nil
	}
	var out []byte
	for _, c := range append([]*x509.Certificate{s.Key.Certificate}, s.Key.Chain...) {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}

// Handler serves the SOAP services under /pull, /skrytka, /doreczyciel and
// the simulator's API under /sim/.
func (s *Sim) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /pull", s.soap)
	mux.HandleFunc("POST /skrytka", s.soap)
	mux.HandleFunc("POST /doreczyciel", s.soap)
	mux.HandleFunc("POST /sim/boxes/{podmiot}/{skrytka}/documents", s.addDocument)
	mux.HandleFunc("GET /sim/boxes/{podmiot}/{skrytka}", s.boxState)
	mux.HandleFunc("POST /sim/deliveries/{id}/open", s.open)
	mux.HandleFunc("POST /sim/faults", s.setFaults)
	mux.HandleFunc("GET /sim/certificate", s.certificate)
	mux.HandleFunc("POST /sim/filerepo", s.addFile)
	mux.HandleFunc("GET /filerepo/{id}", s.getFile)
	return mux
}

// Put adds a document to a box, as if someone had sent it.
func (s *Sim) Put(box string, r epuap.Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r.Status = epuap.Status{Code: epuap.StatusOK, Message: "OK"}
	r.BoxAddress = box
	if r.SentAt.IsZero() {
		r.SentAt = s.Clock()
	}
	s.boxes[box] = append(s.boxes[box], r)
}

// Count reports how many documents wait in a box.
func (s *Sim) Count(box string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.boxes[box])
}

// SetFaults changes the injected faults.
func (s *Sim) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults, s.calls = f, 0
}

func (s *Sim) soap(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, epuap.MaxEnvelopeSize+1))
	if err != nil {
		s.fault(w, "soapenv:Client", "cannot read the request")
		return
	}
	if n, failed := s.call(); failed {
		s.fault(w, "soapenv:Server", fmt.Sprintf("simulated failure of call %d", n))
		return
	}
	if s.Verify != nil {
		if err := s.Verify(body); err != nil {
			s.fault(w, "soapenv:Client", "WS-Security: "+err.Error())
			return
		}
	}
	req, err := epuap.ParseSOAPRequest(body)
	if err != nil {
		s.fault(w, "soapenv:Client", err.Error())
		return
	}
	var out []byte
	switch req.Operation {
	case epuap.OpOczekujaceDokumenty:
		out = epuap.BuildOczekujaceDokumentyResponse(ok(), s.Count(req.Pull.Address))
	case epuap.OpPobierzNastepny:
		s.mu.Lock()
		docs := s.boxes[req.Pull.Address]
		s.mu.Unlock()
		if len(docs) == 0 {
			out = epuap.BuildPobierzNastepnyResponse(epuap.Received{Status: ok()})
		} else {
			out = epuap.BuildPobierzNastepnyResponse(docs[0])
		}
	case epuap.OpPotwierdzOdebranie:
		s.mu.Lock()
		docs := s.boxes[req.Pull.Address]
		for i, d := range docs {
			if epuap.Skrot(d.Document.Content) == req.Pull.Skrot {
				s.boxes[req.Pull.Address] = append(docs[:i:i], docs[i+1:]...)
				break
			}
		}
		s.mu.Unlock()
		out = epuap.BuildPotwierdzOdebranieResponse(ok())
	case epuap.OpNadaj, epuap.OpNadajAny:
		out, err = s.nadaj(req.Nadaj)
	case epuap.OpDorecz:
		out, err = s.dorecz(req.Dorecz)
	default:
		s.fault(w, "soapenv:Client", "operation "+req.Operation+" is not simulated")
		return
	}
	if err != nil {
		s.fault(w, "soapenv:Server", err.Error())
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	_, _ = w.Write(out)
}

// call counts a call (SOAP or FileRepo), waits the injected delay and
// reports whether this call is one of the failing ones.
func (s *Sim) call() (int, bool) {
	s.mu.Lock()
	s.calls++
	f, n := s.faults, s.calls
	s.mu.Unlock()
	if f.Delay > 0 {
		time.Sleep(f.Delay)
	}
	return n, f.EveryN > 0 && n%f.EveryN == 0
}

func ok() epuap.Status { return epuap.Status{Code: epuap.StatusOK, Message: "OK"} }

func (s *Sim) fault(w http.ResponseWriter, code, msg string) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write(epuap.BuildFault(epuap.Fault{Code: code, String: msg}))
}

// nadaj puts the document in the recipient's box and answers with a UPP.
func (s *Sim) nadaj(r *epuap.NadajRequest) ([]byte, error) {
	id := uuid.NewString()
	s.Put(r.To, epuap.Received{Sender: epuap.BoxSender{ID: r.Entity, Surname: r.Entity, PersonType: "P"}, ReplyTo: r.ReplyTo,
		Test: r.Trial, Document: r.Document})
	upp, err := s.receipt("UPP", id, r.Entity, r.To, "", r.Document.FileName)
	if err != nil {
		return nil, err
	}
	return epuap.BuildNadajResponse(epuap.NadajResponse{Status: ok(), DocumentID: id, UPPID: "UPP-" + id,
		UPP: &epuap.Document{FileName: "UPP.xml", MediaType: "text/xml", Content: upp}}), nil
}

// dorecz puts an official delivery in the addressee's box; the UPD comes
// when the addressee opens it (POST /sim/deliveries/{id}/open).
func (s *Sim) dorecz(r *epuap.DoreczRequest) ([]byte, error) {
	id := r.DocumentID
	if id == "" {
		id = uuid.NewString()
	}
	s.Put(r.To, epuap.Received{Sender: epuap.BoxSender{ID: r.Entity, Surname: r.Entity, PersonType: "P"}, ReplyTo: r.ReplyTo, Document: r.Document})
	s.mu.Lock()
	s.deliveries[id] = delivery{from: r.Entity, to: r.To, replyTo: r.ReplyTo, caseID: r.CaseID, docID: id}
	s.mu.Unlock()
	return epuap.BuildDoreczResponse(epuap.DoreczResponse{Status: ok(), DocumentID: id}), nil
}

// receipt builds and signs a UPP or UPD in the CRD UPO namespace.
func (s *Sim) receipt(kind, docID, from, to, caseID, fileName string) ([]byte, error) {
	now := s.Clock().In(time.FixedZone("CET", 3600)).Format("2006-01-02T15:04:05")
	esc := html.EscapeString
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?><pos:Dokument xmlns:pos="http://crd.gov.pl/xml/schematy/UPO/2008/05/09/"><pos:%s>`, kind)
	fmt.Fprintf(&b, `<pos:IdentyfikatorPoswiadczenia>%s-%s</pos:IdentyfikatorPoswiadczenia>`, kind, esc(docID))
	fmt.Fprintf(&b, `<pos:PodmiotWystawiajacyPoswiadczenie><pos:Nazwa>ePUAP (symulator Obieg)</pos:Nazwa></pos:PodmiotWystawiajacyPoswiadczenie>`)
	if kind == "UPP" {
		fmt.Fprintf(&b, `<pos:Adresat><pos:Nazwa>%s</pos:Nazwa></pos:Adresat><pos:Nadawca><pos:Nazwa>%s</pos:Nazwa></pos:Nadawca>`, esc(to), esc(from))
		fmt.Fprintf(&b, `<pos:DataDoreczenia>%s</pos:DataDoreczenia><pos:DataWytworzeniaPoswiadczenia>%s</pos:DataWytworzeniaPoswiadczenia>`, now, now)
	} else {
		fmt.Fprintf(&b, `<pos:Adresat><pos:Nazwa>%s</pos:Nazwa></pos:Adresat>`, esc(to))
		fmt.Fprintf(&b, `<pos:DataOdbioru>%s</pos:DataOdbioru><pos:DataUtworzeniaPoswiadczenia>%s</pos:DataUtworzeniaPoswiadczenia>`, now, now)
		fmt.Fprintf(&b, `<pos:IdentyfikatorSprawy>%s</pos:IdentyfikatorSprawy>`, esc(caseID))
	}
	fmt.Fprintf(&b, `<pos:IdentyfikatorDokumentu>%s</pos:IdentyfikatorDokumentu>`, esc(docID))
	if fileName != "" {
		fmt.Fprintf(&b, `<pos:InformacjaUzupelniajaca pos:TypInformacjiUzupelniajacej="NazwaPliku">%s</pos:InformacjaUzupelniajaca>`, esc(fileName))
	}
	fmt.Fprintf(&b, `</pos:%s></pos:Dokument>`, kind)
	doc := []byte(b.String())
	if s.Key == nil {
		return doc, nil
	}
	return sign.SignEnveloped(doc, s.Key, s.Clock())
}

// --- the simulator's own API ---------------------------------------------

type newDocument struct {
	Sender struct {
		ID        string `json:"id"`
		FirstName string `json:"firstName"`
		Surname   string `json:"surname"`
		PESEL     string `json:"pesel"`
	} `json:"sender"`
	ReplyTo   string `json:"replyTo"`
	FileName  string `json:"fileName"`
	MediaType string `json:"mediaType"`
	Content   []byte `json:"content"` // base64 in JSON
}

func (s *Sim) addDocument(w http.ResponseWriter, r *http.Request) {
	var in newDocument
	if err := json.NewDecoder(io.LimitReader(r.Body, epuap.MaxEnvelopeSize)).Decode(&in); err != nil || len(in.Content) == 0 {
		http.Error(w, "body: {sender, replyTo, fileName, mediaType, content (base64)}", http.StatusBadRequest)
		return
	}
	box := epuap.BoxAddress(r.PathValue("podmiot"), r.PathValue("skrytka"))
	s.Put(box, epuap.Received{Sender: epuap.BoxSender{ID: in.Sender.ID, FirstName: in.Sender.FirstName, Surname: in.Sender.Surname,
		PESEL: in.Sender.PESEL, PersonType: "F"}, ReplyTo: in.ReplyTo,
		Document: epuap.Document{FileName: in.FileName, MediaType: in.MediaType, Content: in.Content}})
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]any{"box": box, "waiting": s.Count(box), "skrot": epuap.Skrot(in.Content)})
}

func (s *Sim) boxState(w http.ResponseWriter, r *http.Request) {
	box := epuap.BoxAddress(r.PathValue("podmiot"), r.PathValue("skrytka"))
	_ = json.NewEncoder(w).Encode(map[string]any{"box": box, "waiting": s.Count(box)})
}

// open simulates the addressee opening an official delivery: a signed UPD
// goes to the sender's reply box.
func (s *Sim) open(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	d, found := s.deliveries[id]
	if found && !d.opened {
		d.opened = true
		s.deliveries[id] = d
	}
	s.mu.Unlock()
	if !found {
		http.Error(w, "no delivery "+id, http.StatusNotFound)
		return
	}
	upd, err := s.receipt("UPD", d.docID, d.from, d.to, d.caseID, "")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	s.Put(d.replyTo, epuap.Received{Sender: epuap.BoxSender{ID: "epuap", Surname: "ePUAP", PersonType: "P"},
		Document: epuap.Document{FileName: "UPD.xml", MediaType: "text/xml", Content: upd}})
	_ = json.NewEncoder(w).Encode(map[string]any{"upd": "sent", "to": d.replyTo})
}

func (s *Sim) setFaults(w http.ResponseWriter, r *http.Request) {
	var f Faults
	if err := json.NewDecoder(io.LimitReader(r.Body, 4096)).Decode(&f); err != nil {
		http.Error(w, `body: {"everyN": 7, "delayMs": 0}`, http.StatusBadRequest)
		return
	}
	f.Delay = time.Duration(f.DelayMs) * time.Millisecond
	s.SetFaults(f)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Sim) certificate(w http.ResponseWriter, _ *http.Request) {
	pemData := s.Certificate()
	if pemData == nil {
		http.Error(w, "the simulator signs no receipts", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/x-pem-file")
	_, _ = w.Write(pemData)
}

// StoreFile puts a file into the simulated FileRepo and returns its id; it
// is served at GET /filerepo/{id}, the URI a CRD document references it by
// (str:Zalacznik kodowanie="URI").
func (s *Sim) StoreFile(name, mediaType string, content []byte) string {
	id := uuid.NewString()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[id] = storedFile{name: name, mediaType: mediaType, content: append([]byte(nil), content...)}
	return id
}

// addFile stores the request body in FileRepo (POST /sim/filerepo?name=&type=)
// and answers with its id and URI.
func (s *Sim) addFile(w http.ResponseWriter, r *http.Request) {
	data, err := io.ReadAll(io.LimitReader(r.Body, epuap.MaxDocumentSize+1))
	if err != nil || len(data) == 0 || len(data) > epuap.MaxDocumentSize {
		http.Error(w, "body: the file's content (at most 50 MiB); query: name, type", http.StatusBadRequest)
		return
	}
	q := r.URL.Query()
	id := s.StoreFile(q.Get("name"), q.Get("type"), data)
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]any{"id": id, "uri": "http://" + r.Host + "/filerepo/" + id})
}

func (s *Sim) getFile(w http.ResponseWriter, r *http.Request) {
	if n, failed := s.call(); failed {
		http.Error(w, fmt.Sprintf("simulated failure of call %d", n), http.StatusInternalServerError)
		return
	}
	s.mu.Lock()
	f, found := s.files[r.PathValue("id")]
	s.mu.Unlock()
	if !found {
		http.Error(w, "no such file", http.StatusNotFound)
		return
	}
	if f.mediaType != "" {
		w.Header().Set("Content-Type", f.mediaType)
	}
	_, _ = w.Write(f.content)
}
