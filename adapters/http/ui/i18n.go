package ui

import (
	"fmt"
	"strings"
)

// tr translates a catalogue key. A key missing from the language falls
// back to Polish, then to the key itself (a test checks none is missing).
// Arguments, if any, fill %s/%d verbs in the text.
func tr(lang, key string, args ...any) string {
	s, ok := catalogue[lang][key]
	if !ok {
		if s, ok = catalogue["pl"][key]; !ok {
			s = key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// entries are key → {Polish, English}.
type entries map[string][2]string

// catalogue is built from messages: language → key → text.
var catalogue = func() map[string]map[string]string {
	out := map[string]map[string]string{"pl": {}, "en": {}}
	for k, v := range messages {
		out["pl"][k], out["en"][k] = v[0], v[1]
	}
	return out
}()

// languages the UI offers, Polish first.
var languages = []string{"pl", "en"}

func init() {
	for _, l := range languages {
		if _, ok := catalogue[l]; !ok {
			panic("ui: no catalogue for " + l)
		}
	}
	for k, v := range messages {
		if strings.TrimSpace(v[0]) == "" || strings.TrimSpace(v[1]) == "" {
			panic("ui: catalogue entry " + k + " is empty")
		}
	}
}

var messages = entries{
	// Layout and navigation.
	"nav.skip":           {"Przejdź do treści", "Skip to content"},
	"nav.label":          {"Menu główne", "Main menu"},
	"nav.register":       {"Przyjmij pismo", "Register mail"},
	"nav.incoming":       {"Rejestr wpływów", "Incoming register"},
	"nav.outgoing":       {"Rejestr wysyłek", "Outgoing register"},
	"nav.receipts":       {"Zwrotki (ZPO)", "Return receipts"},
	"nav.tasks":          {"Moje zadania", "My tasks"},
	"nav.inbox":          {"Dekretacja", "Assignments"},
	"nav.unitCases":      {"Sprawy komórki", "Unit cases"},
	"nav.search":         {"Szukaj", "Search"},
	"nav.taxDeclaration": {"Deklaracja IN-1", "IN-1 declaration"},
	"nav.taxDecisions":   {"Decyzje podatkowe", "Tax decisions"},
	"nav.admin":          {"Administracja", "Administration"},
	"nav.logout":         {"Wyloguj", "Log out"},
	"footer.text":        {"Obieg — elektroniczne zarządzanie dokumentacją", "Obieg — electronic document management"},

	// Page titles (<page>.title).
	"login.title":             {"Logowanie", "Log in"},
	"error.title":             {"Błąd", "Error"},
	"incoming_new.title":      {"Przyjęcie pisma", "Register incoming mail"},
	"incoming_register.title": {"Rejestr przesyłek wpływających", "Incoming mail register"},
	"incoming_item.title":     {"Przesyłka", "Item"},
	"parties.title":           {"Strony", "Parties"},
	"outgoing.title":          {"Rejestr przesyłek wychodzących", "Outgoing mail register"},
	"postal_book.title":       {"Książka nadawcza", "Postal book"},
	"receipts.title":          {"Rejestracja zwrotek (ZPO)", "Return receipts (ZPO)"},
	"tasks.title":             {"Zadania", "Tasks"},
	"task.title":              {"Zadanie", "Task"},
	"case.title":              {"Sprawa", "Case"},
	"inbox.title":             {"Dekretacja — pisma do przyjęcia", "Assignments to accept"},
	"unit_cases.title":        {"Otwarte sprawy komórki", "Open cases of the unit"},
	"search.title":            {"Wyszukiwanie spraw i dokumentów", "Search cases and documents"},
	"admin.title":             {"Administracja", "Administration"},
	"workflows.title":         {"Procesy (BPMN)", "Workflows (BPMN)"},
	"tax_declaration.title":   {"Informacja o nieruchomościach (IN-1)", "Property information (IN-1)"},
	"tax_decisions.title":     {"Decyzje w sprawie podatku od nieruchomości", "Property tax decisions"},

	// Login.
	"login.login":    {"Login", "Login"},
	"login.password": {"Hasło", "Password"},
	"login.submit":   {"Zaloguj", "Log in"},
	"login.failed":   {"Nieprawidłowy login lub hasło.", "Wrong login or password."},

	// Errors (error.<kind>).
	"error.invalid":         {"Nieprawidłowe dane", "Invalid input"},
	"error.not_found":       {"Nie znaleziono", "Not found"},
	"error.conflict":        {"Operacja niemożliwa w obecnym stanie", "Not possible in the current state"},
	"error.forbidden":       {"Brak uprawnień", "Not allowed"},
	"error.unauthenticated": {"Wymagane zalogowanie", "Please log in"},
	"error.unavailable":     {"Usługa chwilowo niedostępna", "Service temporarily unavailable"},
	"error.too_large":       {"Za duży plik lub formularz", "File or form too large"},
	"error.other":           {"Wystąpił błąd serwera", "A server error occurred"},
	"error.field":           {"pole", "field"},
	"error.home":            {"Strona główna", "Home"},

	// Messages after an action.
	"flash.registered":            {"Zarejestrowano pismo", "Registered"},
	"flash.registeredNotAssigned": {"Zarejestrowano pismo, ale dekretacja się nie powiodła — zadekretuj je ponownie:", "Registered, but the assignment failed — assign it again:"},
	"flash.assigned":              {"Zadekretowano pismo.", "Item assigned."},
	"flash.accepted":              {"Przyjęto pismo.", "Item accepted."},
	"flash.returned":              {"Zwrócono pismo do kancelarii.", "Item returned to the registry office."},
	"flash.decided":               {"Zapisano decyzję.", "Decision recorded."},
	"flash.caseOpened":            {"Założono sprawę", "Case opened"},
	"flash.reassigned":            {"Przekazano zadanie:", "Task handed to"},
	"flash.claimed":               {"Zadanie jest teraz Twoje.", "The task is now yours."},
	"flash.completed":             {"Zadanie zakończone.", "Task completed."},
	"flash.unitCreated":           {"Utworzono komórkę", "Unit created"},
	"flash.positionCreated":       {"Utworzono stanowisko (identyfikator do przypisań):", "Position created (id for assignments):"},
	"flash.userCreated":           {"Utworzono użytkownika", "User created"},
	"flash.substitutionCreated":   {"Ustanowiono zastępstwo:", "Substitution created:"},
	"flash.jrwaImported":          {"Zaimportowano JRWA", "JRWA imported"},
	"flash.deployed":              {"Wdrożono proces:", "Deployed:"},
	"flash.declarationRegistered": {"Zarejestrowano informację IN-1 w sprawie", "IN-1 registered in case"},
	"flash.retried":               {"Ponowiono krok procesu.", "The step will run again."},

	// Registering incoming mail.
	"incoming.sender":         {"Nadawca", "Sender"},
	"incoming.partySearch":    {"Szukaj nadawcy (nazwa, PESEL, NIP)", "Find the sender (name, PESEL, NIP)"},
	"incoming.partyHint":      {"Wyniki pojawiają się podczas pisania; strzałkami wybierz z listy albo wpisz nowego nadawcę poniżej.", "Results appear as you type; pick one with the arrow keys or enter a new sender below."},
	"incoming.partyChoose":    {"Wybierz nadawcę", "Choose the sender"},
	"incoming.partyNone":      {"Brak pasujących stron.", "No matching parties."},
	"incoming.partyNew":       {"Nowy nadawca (dane poniżej)", "New sender (details below)"},
	"incoming.partyName":      {"Imię i nazwisko lub nazwa", "Name"},
	"incoming.partyKind":      {"Rodzaj strony", "Kind of party"},
	"incoming.item":           {"Przesyłka", "Item"},
	"incoming.channel":        {"Kanał", "Channel"},
	"incoming.kind":           {"Rodzaj", "Kind"},
	"incoming.subject":        {"Dotyczy (treść)", "Subject"},
	"incoming.received":       {"Data wpływu", "Date received"},
	"incoming.senderRef":      {"Znak pisma nadawcy", "Sender's reference"},
	"incoming.senderDate":     {"Data pisma", "Date of the letter"},
	"incoming.attachments":    {"Liczba załączników (papierowych)", "Paper enclosures"},
	"incoming.files":          {"Skany i pliki", "Scans and files"},
	"incoming.filesHint":      {"Przeciągnij pliki tutaj albo wybierz je (można kilka): PDF, PNG, JPEG.", "Drop files here or choose them (several allowed): PDF, PNG, JPEG."},
	"incoming.notes":          {"Uwagi", "Notes"},
	"incoming.allowDuplicate": {"To nowe pismo, nie duplikat — zarejestruj mimo to", "This is a new item, not a duplicate — register anyway"},
	"incoming.assignment":     {"Dekretacja", "Assignment"},
	"incoming.unit":           {"Komórka", "Unit"},
	"incoming.noUnit":         {"— bez dekretacji —", "— not now —"},
	"incoming.instruction":    {"Polecenie", "Instruction"},
	"incoming.deadline":       {"Termin", "Deadline"},
	"incoming.submit":         {"Zarejestruj", "Register"},
	"incoming.keys":           {"Tab przechodzi między polami, Enter w polu tekstowym rejestruje.", "Tab moves between fields; Enter in a text field registers."},
	"party.person":            {"osoba fizyczna", "person"},
	"party.organisation":      {"instytucja lub firma", "organisation"},
	"party.street":            {"Ulica i numer", "Street and number"},
	"party.postalCode":        {"Kod pocztowy", "Postal code"},
	"party.city":              {"Miejscowość", "City"},
	"party.email":             {"E-mail", "E-mail"},

	// Registers.
	"incoming_register.caption": {"Pozycje rejestru", "Register entries"},
	"incoming_item.assignments": {"Dekretacje", "Assignments"},
	"incoming_item.reassign":    {"Dekretuj (ponownie)", "Assign (again)"},
	"incoming_item.assign":      {"Dekretuj", "Assign"},
	"filter.from":               {"Od", "From"},
	"filter.to":                 {"Do", "To"},
	"filter.status":             {"Stan", "Status"},
	"filter.all":                {"wszystkie", "all"},
	"filter.apply":              {"Pokaż", "Show"},
	"table.empty":               {"Brak pozycji.", "Nothing here."},
	"col.rpw":                   {"Nr RPW", "RPW no."},
	"col.received":              {"Wpłynęło", "Received"},
	"col.sender":                {"Nadawca", "Sender"},
	"col.case":                  {"Sprawa", "Case"},
	"col.when":                  {"Kiedy", "When"},
	"col.actions":               {"Działania", "Actions"},
	"col.number":                {"Numer", "Number"},
	"col.registered":            {"Zarejestrowano", "Registered"},
	"col.recipient":             {"Adresat", "Recipient"},
	"col.tracking":              {"Nr nadawczy", "Tracking no."},
	"col.delivered":             {"Doręczono", "Delivered"},
	"col.lp":                    {"Lp.", "No."},
	"col.address":               {"Adres", "Address"},
	"col.postage":               {"Opłata (zł)", "Postage (PLN)"},
	"col.task":                  {"Zadanie", "Task"},
	"col.matter":                {"Sprawa / pismo", "Case / item"},
	"col.process":               {"Proces", "Process"},
	"col.due":                   {"Termin", "Due"},
	"col.assignee":              {"Wykonawca", "Assignee"},
	"col.created":               {"Utworzono", "Created"},
	"col.signature":             {"Znak sprawy", "Case signature"},
	"col.caseTitle":             {"Tytuł", "Title"},
	"postal_book.date":          {"Dzień nadania", "Posting date"},
	"postal_book.pdf":           {"Drukuj książkę nadawczą (PDF)", "Print the postal book (PDF)"},
	"postal_book.total":         {"Razem opłata", "Total postage"},
	"receipts.tracking":         {"Numer nadawczy (wpisz lub zeskanuj kod)", "Tracking number (type or scan)"},
	"receipts.hint":             {"Czytnik kodów kreskowych wpisuje numer i Enter — zwrotka zapisze się sama.", "A barcode scanner types the number and Enter: the receipt is recorded at once."},
	"receipts.basis":            {"Podstawa doręczenia", "Delivery evidence"},
	"receipts.date":             {"Data (doręczenia albo pierwszego awiza)", "Date (of delivery, or of the first notice)"},
	"receipts.submit":           {"Zapisz zwrotkę", "Record receipt"},
	"receipts.done":             {"Zapisano doręczenie", "Delivery recorded"},
	"receipts.appeal":           {"termin na odwołanie", "appeal deadline"},
	"basis.zpo":                 {"podpis na ZPO", "signed return receipt"},
	"basis.storage":             {"awizo — doręczenie zastępcze (art. 44 KPA)", "notice — deemed delivery (KPA art. 44)"},
	"basis.in_person":           {"odbiór osobisty", "in person"},

	// Tasks.
	"tasks.mine":        {"Moje zadania", "My tasks"},
	"tasks.unit":        {"Zadania mojej komórki", "My unit's tasks"},
	"tasks.claimed":     {"przydzielone", "claimed"},
	"tasks.open":        {"do wzięcia", "open"},
	"due.overdue":       {"po terminie", "overdue"},
	"due.soon":          {"termin w tym tygodniu", "due this week"},
	"task.form":         {"Formularz", "Form"},
	"task.vars":         {"Zmienne procesu", "Process variables"},
	"task.claim":        {"Biorę to zadanie", "Claim this task"},
	"task.complete":     {"Zakończ zadanie", "Complete the task"},
	"task.decision":     {"Decyzja", "Decision"},
	"task.decisionHint": {"Wartość zmiennej „decision” dla bramki procesu, np. approve, reject, return.", "Value of the \"decision\" variable the process branches on, e.g. approve, reject, return."},
	"task.name":         {"Nazwa zmiennej", "Variable name"},
	"task.value":        {"Wartość", "Value"},
	"task.submit":       {"Zakończ", "Complete"},

	// Case.
	"case.unit":          {"Komórka", "Unit"},
	"case.jrwa":          {"Klasa JRWA", "JRWA class"},
	"case.started":       {"Wszczęto", "Started"},
	"case.parties":       {"Strony", "Parties"},
	"case.documents":     {"Dokumenty", "Documents"},
	"case.preview":       {"Podgląd", "Preview"},
	"case.scan":          {"Skan", "Scan"},
	"case.process":       {"Przebieg sprawy", "Process"},
	"case.latestVersion": {"Diagram w najnowszej wersji procesu.", "Diagram of the latest version of the process."},
	"case.active":        {"Bieżący krok", "Current step"},
	"case.diagram":       {"Diagram procesu z zaznaczonym bieżącym krokiem", "Process diagram with the current step marked"},
	"case.metryka":       {"Metryka sprawy", "Case record (metryka)"},
	"case.person":        {"Osoba", "Person"},
	"case.action":        {"Czynność", "Action"},
	"case.documentId":    {"Dokument", "Document"},
	"case.open":          {"otwarta", "open"},
	"case.suspended":     {"zawieszona", "suspended"},
	"case.closed":        {"zakończona", "closed"},

	// Head.
	"inbox.items":           {"Pisma zadekretowane do komórki", "Items assigned to the unit"},
	"inbox.empty":           {"Brak pism do przyjęcia.", "No items to accept."},
	"inbox.registry":        {"Pisma zadekretowane do Twoich komórek i stanowisk, czekające na przyjęcie.", "Items assigned to your units and positions, waiting for acceptance."},
	"inbox.jrwa":            {"Klasa JRWA nowej sprawy", "JRWA class of the new case"},
	"inbox.caseTitle":       {"Tytuł sprawy", "Case title"},
	"inbox.accept":          {"Przyjmij — nowa sprawa", "Accept — new case"},
	"inbox.signature":       {"Znak istniejącej sprawy", "Existing case signature"},
	"inbox.attach":          {"Przyjmij do sprawy", "Accept into the case"},
	"inbox.toUser":          {"Login pracownika", "Employee's login"},
	"inbox.reassign":        {"Przekaż pracownikowi", "Hand to employee"},
	"assignment.accept":     {"Przyjmij", "Accept"},
	"assignment.return":     {"Zwróć", "Return"},
	"assignment.reason":     {"Powód zwrotu", "Reason"},
	"assignment.pending":    {"oczekuje", "pending"},
	"assignment.accepted":   {"przyjęta", "accepted"},
	"assignment.returned":   {"zwrócona", "returned"},
	"assignment.superseded": {"zastąpiona", "superseded"},
	"unit_cases.more":       {"Pokazano pierwsze 500 spraw.", "The first 500 cases are shown."},

	// Search.
	"search.q":             {"Znak sprawy, tytuł, nadawca, strona lub dokument", "Signature, title, sender, party or document"},
	"search.hint":          {"Co najmniej 2 znaki; wielkość liter i polskie znaki nie mają znaczenia (\u201ezazolc\u201d znajdzie \u201eZażółć\u201d). Szuka w znaku, tytule i nadawcy sprawy, w nazwie, PESEL i NIP strony oraz w tytule, opisie i nazwie pliku dokumentu.", "At least 2 characters; case and Polish diacritics do not matter (\"zazolc\" finds \"Zażółć\"). Searches case signatures, titles and senders, party names, PESEL and NIP, and document titles, descriptions and file names."},
	"search.submit":        {"Szukaj", "Search"},
	"search.results":       {"Wyniki — najlepiej pasujące najpierw", "Results — best matches first"},
	"search.kind":          {"Rodzaj", "Kind"},
	"search.kind.case":     {"sprawa", "case"},
	"search.kind.document": {"dokument", "document"},
	"search.detail":        {"Nadawca / opis", "Sender / description"},

	// Property tax.
	"tax.declarationHint":  {"Wpisz dane z informacji IN-1 złożonej na papierze. Po zapisaniu informacja trafia do sprawy podatnika na dany rok i rozpoczyna się wymiar podatku.", "Enter the data of an IN-1 filed on paper. Once saved, it joins the taxpayer's case for the year and the assessment starts."},
	"tax.problems":         {"Formularz zawiera błędy (%d) — popraw pola oznaczone poniżej.", "The form has problems (%d) — correct the fields marked below."},
	"tax.year":             {"Rok podatkowy", "Tax year"},
	"tax.decisionsOf":      {"Decyzje wymiarowe za rok %d", "Assessment decisions for %d"},
	"tax.total":            {"Kwota podatku (zł)", "Tax (PLN)"},
	"tax.sum":              {"Razem (bez decyzji zastąpionych i odrzuconych)", "Total (without replaced and rejected decisions)"},
	"tax.instalments":      {"Raty", "Instalments"},
	"tax.delivered":        {"Doręczono", "Delivered"},
	"tax.status.draft":     {"projekt", "draft"},
	"tax.status.signed":    {"podpisana", "signed"},
	"tax.status.delivered": {"doręczona", "delivered"},
	"tax.status.replaced":  {"zastąpiona", "replaced"},
	"tax.status.rejected":  {"odrzucona", "rejected"},

	// Administration.
	"admin.units":            {"Komórki organizacyjne", "Units"},
	"admin.newUnit":          {"Nowa komórka", "New unit"},
	"admin.symbol":           {"Symbol", "Symbol"},
	"admin.name":             {"Nazwa", "Name"},
	"admin.parent":           {"Komórka nadrzędna", "Parent unit"},
	"admin.create":           {"Utwórz", "Create"},
	"admin.positions":        {"Nowe stanowisko", "New position"},
	"admin.isHead":           {"Kierownicze", "Head of the unit"},
	"admin.users":            {"Nowy użytkownik", "New user"},
	"admin.fullName":         {"Imię i nazwisko", "Full name"},
	"admin.roles":            {"Role", "Roles"},
	"admin.positionId":       {"Identyfikator stanowiska", "Position id"},
	"admin.substitutions":    {"Zastępstwo", "Substitution"},
	"admin.substitute":       {"Login zastępcy", "Substitute's login"},
	"admin.reason":           {"Powód", "Reason"},
	"admin.jrwa":             {"Jednolity rzeczowy wykaz akt", "Uniform list of files (JRWA)"},
	"admin.jrwaCount":        {"Klas w wykazie", "Classes in force"},
	"admin.validFrom":        {"Obowiązuje od", "Valid from"},
	"admin.csv":              {"Plik CSV (symbol;hasło;kategoria…)", "CSV file (symbol;title;category…)"},
	"admin.import":           {"Importuj", "Import"},
	"role.admin":             {"administrator", "administrator"},
	"role.registry":          {"kancelaria", "registry office"},
	"role.head":              {"kierownik", "unit head"},
	"role.officer":           {"referent", "case officer"},
	"role.archivist":         {"archiwista", "archivist"},
	"role.integrator":        {"system zewnętrzny", "integration"},
	"workflows.deploy":       {"Wdróż proces", "Deploy a process"},
	"workflows.file":         {"Plik BPMN 2.0", "BPMN 2.0 file"},
	"workflows.upload":       {"Wdróż", "Deploy"},
	"workflows.definitions":  {"Procesy (najnowsze wersje)", "Processes (latest versions)"},
	"workflows.key":          {"Klucz", "Key"},
	"workflows.version":      {"Wersja", "Version"},
	"workflows.deployed":     {"Wdrożono", "Deployed"},
	"workflows.xml":          {"pobierz", "download"},
	"workflows.incidents":    {"Incydenty", "Incidents"},
	"workflows.instance":     {"Instancja", "Instance"},
	"workflows.element":      {"Krok", "Step"},
	"workflows.message":      {"Komunikat", "Message"},
	"workflows.retry":        {"Ponów", "Retry"},
	"workflows.instances":    {"Instancje", "Instances"},
	"workflows.withIncident": {"tylko z incydentem", "with an incident only"},
	"workflows.incident":     {"incydent", "incident"},
	"workflows.started":      {"Start", "Started"},

	// Channels, kinds, statuses.
	"channel.paper":           {"papier", "paper"},
	"channel.epuap":           {"ePUAP", "ePUAP"},
	"channel.edoreczenia":     {"e-Doręczenia", "e-Doręczenia"},
	"channel.email":           {"e-mail", "e-mail"},
	"channel.in_person":       {"osobiście", "in person"},
	"channel.fax":             {"faks", "fax"},
	"channel.post_ordinary":   {"list zwykły", "ordinary letter"},
	"channel.post_registered": {"list polecony", "registered letter"},
	"channel.post_zpo":        {"polecony za zwrotnym potwierdzeniem (ZPO)", "registered with return receipt"},
	"channel.post_priority":   {"polecony priorytetowy", "priority registered"},
	"channel.courier":         {"kurier", "courier"},
	"kind.letter":             {"list", "letter"},
	"kind.parcel":             {"paczka", "parcel"},
	"kind.invoice":            {"faktura", "invoice"},
	"kind.application":        {"wniosek", "application"},
	"kind.complaint":          {"skarga", "complaint"},
	"kind.court":              {"pismo sądowe", "court letter"},
	"kind.other":              {"inne", "other"},
	"status.registered":       {"zarejestrowane", "registered"},
	"status.assigned":         {"zadekretowane", "assigned"},
	"status.accepted":         {"przyjęte", "accepted"},
	"status.returned":         {"zwrócone", "returned"},
	"status.in_case":          {"w sprawie", "in a case"},
}
