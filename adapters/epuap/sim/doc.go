// Package sim is an ePUAP simulator for demos and tests: the pull,
// skrytka and doręczyciel SOAP services over HTTP with in-memory
// mailboxes. It checks the WS-Security signature of every request, answers
// nadaj with a signed UPP, issues a signed UPD into the sender's reply box
// when a delivered document is opened (through its own JSON API), and
// injects faults and delays on request. It is not ePUAP: it keeps nothing
// across restarts and knows only the operations Obieg uses.
package sim
