package sim

import (
	"encoding/json"
	"net/http"
	"strings"
)

// The search service of the public register of electronic addresses (baza
// adresów elektronicznych, ustawa o doręczeniach elektronicznych art. 25):
// who has an address for delivery, by PESEL, NIP or REGON. Its real API is
// a separate service not described by the UA API document; the simulator
// serves GET /search/addresses?identifier=… answering {"eDeliveryAddress":
// "…"} or 404, the shape edoreczenia.Directory reads.

// Register records that the owner of identifier (PESEL, NIP, REGON) has
// the address ade in the register.
func (s *Server) Register(identifier, ade string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.register == nil {
		s.register = map[string]string{}
	}
	s.register[strings.TrimSpace(identifier)] = ade
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimSpace(r.URL.Query().Get("identifier"))
	s.mu.Lock()
	ade, ok := s.register[id]
	s.mu.Unlock()
	if id == "" || !ok {
		http.Error(w, `{"error":"not found"}`, http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"eDeliveryAddress": ade})
}

// simRegister: POST /sim/register {"identifier": "…", "eDeliveryAddress": "…"}.
func (s *Server) simRegister(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Identifier string `json:"identifier"`
		Address    string `json:"eDeliveryAddress"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&in); err != nil || in.Identifier == "" || in.Address == "" {
		http.Error(w, "want {identifier, eDeliveryAddress}", http.StatusBadRequest)
		return
	}
	s.Register(in.Identifier, in.Address)
	w.WriteHeader(http.StatusNoContent)
}
