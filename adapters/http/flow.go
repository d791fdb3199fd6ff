package web

import (
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/google/uuid"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/flow"
	"obieg.dev/obieg/engine/registry"
	"obieg.dev/obieg/workflows/correspondence"
)

// who is the engine's view of the actor.
func who(a *registry.Actor) flow.Who { return correspondence.WhoOf(a) }

// maxBPMN limits a deployed definition.
const maxBPMN = 10 << 20

func (s *Server) deployDefinition(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/xml" && mt != "text/xml" && mt != "application/bpmn+xml" {
		return &mediaTypeError{want: "application/xml", got: r.Header.Get("Content-Type")}
	}
	xml, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBPMN))
	if err != nil {
		return engine.E("web.deploy", engine.KindTooLarge, "BPMN document is larger than 10 MiB")
	}
	defs, err := s.flow.Deploy(r.Context(), who(a), xml)
	if err != nil {
		return err
	}
	status := http.StatusOK
	for _, d := range defs {
		if d.New {
			status = http.StatusCreated
		}
	}
	writeJSON(w, status, map[string]any{"definitions": defs})
	return nil
}

func (s *Server) listDefinitions(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	defs, err := s.flow.Definitions(r.Context(), who(a))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"definitions": nonNil(defs)})
	return nil
}

func (s *Server) definitionXML(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	xml, _, err := s.flow.DefinitionXML(r.Context(), who(a), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/xml")
	_, _ = w.Write(xml)
	return nil
}

func (s *Server) startInstance(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	var req struct {
		ProcessKey  string         `json:"processKey"`
		BusinessKey string         `json:"businessKey"`
		Variables   map[string]any `json:"variables"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	in, err := s.flow.StartInstance(r.Context(), who(a), req.ProcessKey, req.BusinessKey, req.Variables)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/process-instances/"+in.ID.String())
	writeJSON(w, http.StatusCreated, in)
	return nil
}

func (s *Server) listInstances(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	q := r.URL.Query()
	limit, err := intParam(q.Get("limit"), "limit")
	if err != nil {
		return err
	}
	list, next, err := s.flow.Instances(r.Context(), who(a), flow.InstanceFilter{Key: q.Get("processKey"), State: q.Get("state"),
		BusinessKey: q.Get("businessKey"), WithIncident: q.Get("incident") == "true", Cursor: q.Get("cursor"), Limit: limit})
	if err != nil {
		return err
	}
	if list == nil {
		list = []flow.InstanceSummary{}
	}
	out := map[string]any{"instances": list}
	if next != "" {
		out["next"] = next
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getInstance(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.flow.Instance(r.Context(), who(a), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) migrateInstances(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	var req struct {
		InstanceIDs        []uuid.UUID       `json:"instanceIds"`
		TargetDefinitionID uuid.UUID         `json:"targetDefinitionId"`
		Mapping            map[string]string `json:"mapping"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	n, err := s.flow.MigrateInstances(r.Context(), who(a), req.InstanceIDs, req.TargetDefinitionID, req.Mapping)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"migrated": n})
	return nil
}

func (s *Server) listTasks(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	q := r.URL.Query()
	f := flow.TaskFilter{}
	switch q.Get("scope") {
	case "", "mine":
		f.Mine = true
	case "unit":
		f.Unit = true
	case "all":
		f.All = true
	default:
		return engine.Invalid("web.listTasks", "scope", "scope must be mine, unit or all")
	}
	if v := q.Get("instanceId"); v != "" {
		id, err := uuid.Parse(v)
		if err != nil {
			return engine.Invalid("web.listTasks", "instanceId", "instanceId is not a UUID")
		}
		f.Instance = &id
	}
	tasks, err := s.flow.Tasks(r.Context(), who(a), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"tasks": nonNil(tasks)})
	return nil
}

func (s *Server) claimTask(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	return idAction(w, r, func(id uuid.UUID) error { return s.flow.Claim(r.Context(), who(a), id) })
}

func (s *Server) completeTask(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Variables map[string]any `json:"variables"`
	}
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &req); err != nil {
			return err
		}
	}
	in, err := s.flow.CompleteTask(r.Context(), who(a), id, req.Variables)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

func (s *Server) reassignTask(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		AssigneeID *uuid.UUID `json:"assigneeId"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := s.flow.Reassign(r.Context(), who(a), id, req.AssigneeID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) correlateMessage(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	var req struct {
		Name           string         `json:"name"`
		CorrelationKey string         `json:"correlationKey"`
		Variables      map[string]any `json:"variables"`
		TTLSeconds     int            `json:"ttlSeconds"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if req.TTLSeconds < 0 || req.TTLSeconds > 90*24*3600 {
		return engine.Invalid("web.correlateMessage", "ttlSeconds", "ttlSeconds must be from 0 (the default) to 90 days")
	}
	c, err := s.flow.Correlate(r.Context(), who(a), req.Name, req.CorrelationKey, req.Variables, time.Duration(req.TTLSeconds)*time.Second)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if c.Buffered != nil {
		status = http.StatusAccepted
	}
	writeJSON(w, status, c)
	return nil
}

func (s *Server) listIncidents(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	var inst *uuid.UUID
	if v := r.URL.Query().Get("instanceId"); v != "" {
		id, err := uuid.Parse(v)
		if err != nil {
			return engine.Invalid("web.listIncidents", "instanceId", "instanceId is not a UUID")
		}
		inst = &id
	}
	incs, err := s.flow.Incidents(r.Context(), who(a), inst, r.URL.Query().Get("resolved") == "true")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"incidents": nonNil(incs)})
	return nil
}

func (s *Server) retryIncident(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	return idAction(w, r, func(id uuid.UUID) error { return s.flow.RetryIncident(r.Context(), who(a), id) })
}

// fetchAndLock follows Camunda's external task API: topics with a lock
// duration in milliseconds each.
func (s *Server) fetchAndLock(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	const op = "web.fetchAndLock"
	var req struct {
		WorkerID string `json:"workerId"`
		MaxTasks int    `json:"maxTasks"`
		Topics   []struct {
			TopicName    string `json:"topicName"`
			LockDuration int64  `json:"lockDuration"`
		} `json:"topics"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	var out []*flow.ExternalTask
	left := req.MaxTasks
	for i, t := range req.Topics {
		if t.TopicName == "" {
			return engine.Invalid(op, "topics", "topics[%d].topicName is required", i)
		}
		if left <= 0 {
			break
		}
		got, err := s.flow.FetchAndLock(r.Context(), who(a), req.WorkerID, []string{t.TopicName}, left, time.Duration(t.LockDuration)*time.Millisecond)
		if err != nil {
			return err
		}
		out = append(out, got...)
		left -= len(got)
	}
	if len(req.Topics) == 0 {
		return engine.Invalid(op, "topics", "at least one topic is required")
	}
	writeJSON(w, http.StatusOK, nonNil(out))
	return nil
}

func (s *Server) completeExternal(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		WorkerID  string         `json:"workerId"`
		Variables map[string]any `json:"variables"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := s.flow.CompleteExternal(r.Context(), who(a), id, req.WorkerID, req.Variables); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) failExternal(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		WorkerID     string `json:"workerId"`
		ErrorMessage string `json:"errorMessage"`
		Retries      int    `json:"retries"`
		RetryTimeout int64  `json:"retryTimeout"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := s.flow.FailExternal(r.Context(), who(a), id, req.WorkerID, req.ErrorMessage, req.Retries, time.Duration(req.RetryTimeout)*time.Millisecond); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) extendLock(w http.ResponseWriter, r *http.Request, a *registry.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		WorkerID    string `json:"workerId"`
		NewDuration int64  `json:"newDuration"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := s.flow.ExtendLock(r.Context(), who(a), id, req.WorkerID, time.Duration(req.NewDuration)*time.Millisecond); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
