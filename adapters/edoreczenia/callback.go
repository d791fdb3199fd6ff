package edoreczenia

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"obieg.dev/obieg/engine"
)

// maxCallbackBody bounds a notification.
const maxCallbackBody = 256 << 10

// CallbackHandler receives the service's notifications (the callbacks of a
// subscription, MessageStatement) and fetches at once the messages and
// evidences they name. Notifications are only hints: what is registered is
// always read back from the authenticated API, so a forged notification
// costs at most a look-up. An answer other than 200 makes the service send
// the notification again; polling (Run) is the fallback for lost ones.
func (in *Inbox) CallbackHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			callbackError(w, http.StatusMethodNotAllowed, "method", "POST only")
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxCallbackBody+1))
		if err != nil || len(body) > maxCallbackBody {
			callbackError(w, http.StatusBadRequest, "body", "the notification cannot be read or is too large")
			return
		}
		var n Notification
		if err := json.Unmarshal(body, &n); err != nil || n.EDeliveryAddress == "" {
			callbackError(w, http.StatusBadRequest, "body", "not a MessageStatement")
			return
		}
		if !slices.Contains(in.Addresses, n.EDeliveryAddress) {
			callbackError(w, http.StatusNotFound, "eDeliveryAddress", "not a mailbox of this office")
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Minute)
		defer cancel()
		evidences := strings.Contains(strings.ToLower(n.NotificationType), "evidence")
		for _, item := range n.Items {
			if item.ID == "" {
				continue
			}
			if evidences {
				err = in.FetchEvidence(ctx, n.EDeliveryAddress, item.ID)
			} else {
				err = in.FetchMessage(ctx, n.EDeliveryAddress, item.ID)
			}
			if err != nil {
				in.init()
				in.Logger.WarnContext(ctx, "e-Doręczenia notification not handled", "type", n.NotificationType, "id", item.ID, "err", err)
				status := http.StatusServiceUnavailable
				if engine.Is(engine.KindNotFound, err) || engine.Is(engine.KindInvalid, err) {
					status = http.StatusBadRequest
				}
				callbackError(w, status, "notification", engine.MessageOf(err))
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(CallbackAnswer{Status: "OK"})
	})
}

func callbackError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode([]ErrorInfo{{Error: code, ErrorDescription: msg}})
}
