package web

import "net/http"

// apiRoutes is the REST API. Keep it in step with openapi.json: a test
// checks every route is documented and every documented operation routed.
func (s *Server) apiRoutes() []route {
	return []route{
		{method: http.MethodGet, pattern: "/api/v1/me", h: s.me},

		{method: http.MethodPost, pattern: "/api/v1/cases", h: s.createCase},
		{method: http.MethodGet, pattern: "/api/v1/cases", h: s.listCases},
		{method: http.MethodGet, pattern: "/api/v1/cases/{id}", h: s.getCase},
		{method: http.MethodPost, pattern: "/api/v1/cases/{id}/suspend", h: s.suspendCase},
		{method: http.MethodPost, pattern: "/api/v1/cases/{id}/resume", h: s.resumeCase},
		{method: http.MethodPost, pattern: "/api/v1/cases/{id}/close", h: s.closeCase},
		{method: http.MethodGet, pattern: "/api/v1/cases/{id}/metryka", h: s.caseMetryka},
		{method: http.MethodGet, pattern: "/api/v1/cases/{id}/documents", h: s.caseDocuments},
		{method: http.MethodPost, pattern: "/api/v1/cases/{id}/documents", h: s.attachDocument},
		{method: http.MethodGet, pattern: "/api/v1/spis-spraw", h: s.spisSpraw},

		{method: http.MethodPost, pattern: "/api/v1/documents", h: s.registerDocument},
		{method: http.MethodGet, pattern: "/api/v1/documents/{id}", h: s.getDocument},
		{method: http.MethodPost, pattern: "/api/v1/documents/{id}/versions", h: s.addVersion},
		{method: http.MethodGet, pattern: "/api/v1/documents/{id}/versions/{n}/content", h: s.versionContent},
		{method: http.MethodPost, pattern: "/api/v1/documents/{id}/relations", h: s.addRelation},

		{method: http.MethodGet, pattern: "/api/v1/units", h: s.listUnits},
		{method: http.MethodPost, pattern: "/api/v1/units", h: s.createUnit},
		{method: http.MethodPost, pattern: "/api/v1/positions", h: s.createPosition},
		{method: http.MethodPost, pattern: "/api/v1/users", h: s.createUser},
		{method: http.MethodPost, pattern: "/api/v1/users/{id}/positions", h: s.assignPosition},
		{method: http.MethodPost, pattern: "/api/v1/substitutions", h: s.createSubstitution},
		{method: http.MethodGet, pattern: "/api/v1/jrwa", h: s.listJRWA},
		{method: http.MethodPost, pattern: "/api/v1/jrwa", h: s.importJRWA},

		{method: http.MethodPost, pattern: "/api/v1/incoming", h: s.registerIncoming},
		{method: http.MethodPost, pattern: "/api/v1/incoming/eml", h: s.importEML},
		{method: http.MethodGet, pattern: "/api/v1/incoming", h: s.incomingRegister},
		{method: http.MethodGet, pattern: "/api/v1/incoming/{id}", h: s.getIncoming},
		{method: http.MethodPost, pattern: "/api/v1/incoming/{id}/assign", h: s.assignIncoming},
		{method: http.MethodPost, pattern: "/api/v1/incoming/{id}/case", h: s.openCaseForItem},
		{method: http.MethodPost, pattern: "/api/v1/incoming/{id}/attach", h: s.attachIncoming},
		{method: http.MethodPost, pattern: "/api/v1/assignments/{id}/accept", h: s.acceptAssignment},
		{method: http.MethodPost, pattern: "/api/v1/assignments/{id}/return", h: s.returnAssignment},
		{method: http.MethodPost, pattern: "/api/v1/outgoing", h: s.registerOutgoing},
		{method: http.MethodGet, pattern: "/api/v1/outgoing", h: s.outgoingRegister},
		{method: http.MethodPost, pattern: "/api/v1/outgoing/{id}/sent", h: s.markSent},
		{method: http.MethodPost, pattern: "/api/v1/outgoing/{id}/delivery", h: s.recordDelivery},
		{method: http.MethodGet, pattern: "/api/v1/outgoing/{id}/zpo", h: s.zpo},
		{method: http.MethodPost, pattern: "/api/v1/return-receipts", h: s.returnReceipt},
		{method: http.MethodGet, pattern: "/api/v1/postal-book", h: s.postalBook},
		{method: http.MethodGet, pattern: "/api/v1/postal-book/labels", h: s.labels},
		{method: http.MethodGet, pattern: "/api/v1/postage-rates", h: s.postageRates},
		{method: http.MethodPost, pattern: "/api/v1/postage-rates", h: s.addPostageRate},
		{method: http.MethodGet, pattern: "/api/v1/parties", h: s.searchParties},
		{method: http.MethodPost, pattern: "/api/v1/parties/{id}/merge", h: s.mergeParties},

		{method: http.MethodPost, pattern: "/api/v1/process-definitions", h: s.deployDefinition},
		{method: http.MethodGet, pattern: "/api/v1/process-definitions", h: s.listDefinitions},
		{method: http.MethodGet, pattern: "/api/v1/process-definitions/{id}/xml", h: s.definitionXML},
		{method: http.MethodPost, pattern: "/api/v1/process-instances", h: s.startInstance},
		{method: http.MethodGet, pattern: "/api/v1/process-instances", h: s.listInstances},
		{method: http.MethodGet, pattern: "/api/v1/process-instances/{id}", h: s.getInstance},
		{method: http.MethodPost, pattern: "/api/v1/process-instances/migrate", h: s.migrateInstances},
		{method: http.MethodGet, pattern: "/api/v1/tasks", h: s.listTasks},
		{method: http.MethodPost, pattern: "/api/v1/tasks/{id}/claim", h: s.claimTask},
		{method: http.MethodPost, pattern: "/api/v1/tasks/{id}/complete", h: s.completeTask},
		{method: http.MethodPost, pattern: "/api/v1/tasks/{id}/assignee", h: s.reassignTask},
		{method: http.MethodPost, pattern: "/api/v1/messages", h: s.correlateMessage},
		{method: http.MethodGet, pattern: "/api/v1/incidents", h: s.listIncidents},
		{method: http.MethodPost, pattern: "/api/v1/incidents/{id}/retry", h: s.retryIncident},
		{method: http.MethodPost, pattern: "/api/v1/external-tasks/fetch-and-lock", h: s.fetchAndLock},
		{method: http.MethodPost, pattern: "/api/v1/external-tasks/{id}/complete", h: s.completeExternal},
		{method: http.MethodPost, pattern: "/api/v1/external-tasks/{id}/failure", h: s.failExternal},
		{method: http.MethodPost, pattern: "/api/v1/external-tasks/{id}/extend-lock", h: s.extendLock},
	}
}
