package bpmn

// link resolves the sequence flows, default flows and boundary attachments
// of scope s (and its sub-processes) of process p.
func (b *builder) link(p *Process, s *Scope) {
	for _, pf := range b.pending[s] {
		f := pf.f
		f.Source = b.end(p, s, pf, pf.src, "sourceRef")
		f.Target = b.end(p, s, pf, pf.tgt, "targetRef")
		if f.Source == nil || f.Target == nil {
			continue
		}
		s.Flows[f.ID] = f
		s.list = append(s.list, f)
		s.Outgoing[f.Source.ID] = append(s.Outgoing[f.Source.ID], f)
		s.Incoming[f.Target.ID] = append(s.Incoming[f.Target.ID], f)
		p.flows[f.ID] = f
		if f.Condition != nil {
			switch t := f.Source.Type; {
			case t == ExclusiveGateway || t == InclusiveGateway || t.IsActivity():
			default:
				b.failEl(f.ID, "sequenceFlow", "has a condition, but conditions are allowed only on flows leaving exclusive or inclusive gateways and activities, not a %s (%q)", t, f.Source.ID)
			}
		}
	}
	for _, el := range s.nodes {
		if ref, ok := b.defRef[el]; ok {
			f := s.Flows[ref]
			switch {
			case f == nil || f.Source != el:
				b.failEl(el.ID, el.Type.String(), "default flow %q is not an outgoing sequence flow of this element", ref)
			case f.Condition != nil:
				b.failEl(f.ID, "sequenceFlow", "is the default flow of %q and must not have a condition", el.ID)
			default:
				f.Default = true
				el.Default = f
			}
		}
		if el.Type == BoundaryEvent {
			ref := localRef(b.attach[el])
			a := s.Elements[ref]
			switch {
			case ref == "":
				b.failEl(el.ID, "boundaryEvent", "has no attachedToRef")
			case a == nil && p.all[ref] != nil:
				b.failEl(el.ID, "boundaryEvent", "attachedToRef %q is not in the same (sub-)process as the boundary event", ref)
			case a == nil:
				b.failEl(el.ID, "boundaryEvent", "attachedToRef %q does not name an activity", ref)
			case !a.IsActivity():
				b.failEl(el.ID, "boundaryEvent", "is attached to %q (%s); boundary events attach to activities only", ref, a.Type)
			default:
				el.AttachedTo = a
				a.Boundaries = append(a.Boundaries, el)
			}
		}
		if el.Sub != nil {
			b.link(p, el.Sub)
		}
	}
}

// end resolves one end of a sequence flow within its scope.
func (b *builder) end(p *Process, s *Scope, pf pendingFlow, ref, attr string) *Element {
	switch {
	case ref == "":
		b.fail(pf.n, pf.f.ID, "has no %s", attr)
	case s.Elements[ref] != nil:
		return s.Elements[ref]
	case p.all[ref] != nil:
		b.fail(pf.n, pf.f.ID, "%s %q is in another (sub-)process; sequence flows cannot cross a sub-process boundary", attr, ref)
	default:
		b.fail(pf.n, pf.f.ID, "%s %q does not name a flow node of this (sub-)process", attr, ref)
	}
	return nil
}

// validate checks the graph of scope s of process p and its sub-processes.
func (b *builder) validate(p *Process, s *Scope) {
	scopeID, scopeType := s.ID, "process"
	if s.Owner != nil {
		scopeType = "subProcess"
	}
	noneStarts := 0
	for _, el := range s.StartEvents {
		if el.Event == EventNone {
			if noneStarts++; noneStarts == 2 {
				b.failEl(el.ID, "startEvent", "a second none start event in %q; a (sub-)process may have only one", scopeID)
			}
		}
	}
	switch {
	case s.Owner != nil && len(s.StartEvents) != 1:
		b.failEl(scopeID, scopeType, "an embedded sub-process needs exactly one none start event, it has %d start events", len(s.StartEvents))
	case s.Owner == nil && p.Executable && len(s.StartEvents) == 0:
		b.failEl(scopeID, scopeType, "no start event")
	}

	for _, el := range s.nodes {
		in, out := len(s.Incoming[el.ID]), len(s.Outgoing[el.ID])
		typ := el.Type.String()
		switch {
		case el.Type == StartEvent && in > 0:
			b.failEl(el.ID, typ, "a start event cannot have incoming sequence flows")
		case el.Type == BoundaryEvent && in > 0:
			b.failEl(el.ID, typ, "a boundary event cannot have incoming sequence flows")
		case el.Type == EndEvent && out > 0:
			b.failEl(el.ID, typ, "an end event cannot have outgoing sequence flows")
		case el.Type.IsGateway() && out == 0:
			b.failEl(el.ID, typ, "a gateway needs at least one outgoing sequence flow")
		}
		if el.Type == EventBasedGateway {
			b.eventGateway(s, el)
		}
		if el.Sub != nil {
			b.validate(p, el.Sub)
		}
	}
	if p.Executable && len(s.StartEvents) > 0 {
		b.reachable(s)
	}
}

// eventGateway checks that an event-based gateway races catch events.
func (b *builder) eventGateway(s *Scope, g *Element) {
	outs := s.Outgoing[g.ID]
	if len(outs) < 2 {
		b.failEl(g.ID, "eventBasedGateway", "an event-based gateway needs at least two outgoing sequence flows, it has %d", len(outs))
	}
	for _, f := range outs {
		t := f.Target
		if t.Type != IntermediateCatchEvent && t.Type != ReceiveTask {
			b.failEl(g.ID, "eventBasedGateway", "outgoing flow %q leads to %q (%s); an event-based gateway must lead to intermediate timer or message catch events or receive tasks", f.ID, t.ID, t.Type)
			continue
		}
		if n := len(s.Incoming[t.ID]); n > 1 {
			b.failEl(t.ID, t.Type.String(), "follows event-based gateway %q and must have no other incoming sequence flow, it has %d", g.ID, n)
		}
	}
}

// reachable reports flow nodes of s that no path from a start event reaches.
// Boundary events are reached through their activity.
func (b *builder) reachable(s *Scope) {
	seen := make(map[*Element]bool, len(s.nodes))
	queue := append([]*Element(nil), s.StartEvents...)
	for _, e := range queue {
		seen[e] = true
	}
	for len(queue) > 0 {
		e := queue[0]
		queue = queue[1:]
		next := make([]*Element, 0, len(s.Outgoing[e.ID])+len(e.Boundaries))
		for _, f := range s.Outgoing[e.ID] {
			next = append(next, f.Target)
		}
		next = append(next, e.Boundaries...)
		for _, n := range next {
			if !seen[n] {
				seen[n] = true
				queue = append(queue, n)
			}
		}
	}
	for _, el := range s.nodes {
		if seen[el] {
			continue
		}
		if el.Type == BoundaryEvent && el.AttachedTo != nil {
			continue // its activity is reported
		}
		b.failEl(el.ID, el.Type.String(), "not reachable from a start event of %q", s.ID)
	}
}
