package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"obieg.dev/obieg/engine"
	"obieg.dev/obieg/engine/calendar"
	"obieg.dev/obieg/engine/registry"
)

// cmdSeedScale adds generated cases, parties and documents to the demo
// office until it holds the number of documents asked for (obieg
// seed-scale --documents 100000): data to measure search and lists at the
// scale of a large office.
//
// One case and its first document are made through the registry, which
// commits the (small, shared) PDF blob; blobs are content-addressed, so
// every generated version names that same blob. The rest is written in
// batches of multi-row INSERTs (unnest of arrays) in tenant transactions —
// COPY is not allowed under row-level security — with the case counters
// advanced by the numbers used and every case's metryka chain written
// entry by entry with registry.ChainHash, so `obieg verify` passes.
func cmdSeedScale(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("seed-scale", flag.ContinueOnError)
	target := fs.Int("documents", 100000, "documents the office should hold in all")
	officeName := fs.String("office", demoOffice, "short name of the office")
	login := fs.String("as", "admin", "login of the office's administrator, recorded as the author")
	perCase := fs.Int("per-case", 4, "documents per generated case")
	batch := fs.Int("batch", 500, "cases per transaction")
	seed := fs.Uint64("seed", 1, "seed of the generator (the same seed makes the same texts)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *target < 1 || *perCase < 1 || *perCase > 50 || *batch < 1 || *batch > 5000 {
		return fmt.Errorf("seed-scale: --documents ≥ 1, --per-case 1..50, --batch 1..5000")
	}
	a, err := open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	if _, err := a.db.Migrate(ctx); err != nil {
		return err
	}
	office, err := a.reg.OfficeByShortName(ctx, *officeName)
	if err != nil {
		return fmt.Errorf("office %q: %w (run `obieg seed` first)", *officeName, err)
	}
	admin, err := a.reg.ActorByLogin(ctx, *login)
	if err != nil {
		return err
	}
	if admin.OfficeID != office.ID || !admin.Has(registry.RoleAdmin) {
		return fmt.Errorf("seed-scale: %s is not an administrator of %s", *login, *officeName)
	}
	s := &scaler{a: a, office: office.ID, admin: admin, rnd: rand.New(rand.NewPCG(*seed, 2026)), perCase: *perCase, now: time.Now()}
	have, err := s.count(ctx)
	if err != nil {
		return err
	}
	if have >= *target {
		fmt.Fprintf(stdout, "%s holds %d documents already: nothing to add\n", *officeName, have)
		return nil
	}
	if err := s.prepare(ctx); err != nil {
		return err
	}
	have++ // the first document, made by prepare
	start := time.Now()
	added := 0
	for have+added < *target {
		n := min(*batch, (*target-have-added+*perCase-1) / *perCase)
		docs, err := s.writeBatch(ctx, n, *target-have-added)
		if err != nil {
			return err
		}
		added += docs
		a.logger.Info("seed-scale", "documents", have+added, "of", *target, "elapsed", time.Since(start).Round(time.Millisecond))
	}
	if _, err := a.db.Pool.Exec(ctx, "ANALYZE cases; ANALYZE documents; ANALYZE document_versions; ANALYZE parties; ANALYZE case_parties; ANALYZE metryka"); err != nil {
		return err
	}
	el := time.Since(start)
	fmt.Fprintf(stdout, "added %d documents in %s (%.0f/s); %s holds %d documents\n", added, el.Round(time.Millisecond),
		float64(added)/el.Seconds(), *officeName, have+added)
	return nil
}

// scaler generates and writes the data.
type scaler struct {
	a       *app
	office  uuid.UUID
	admin   *registry.Actor
	rnd     *rand.Rand
	perCase int
	now     time.Time
	units   []scaleUnit
	version registry.Version // the shared PDF's version row
}

type scaleUnit struct {
	id      uuid.UUID
	symbol  string
	classes []scaleClass // JRWA leaf classes this unit's cases use
}

type scaleClass struct {
	id     uuid.UUID
	symbol string
	title  string
}

func (s *scaler) count(ctx context.Context) (int, error) {
	var n int
	err := s.a.db.Tenant(ctx, s.office, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, "SELECT count(*) FROM documents").Scan(&n)
	})
	return n, err
}

// unitClasses are the first digits of the JRWA symbols a unit's cases take,
// by the unit symbol's first letters (demo office); others take any.
var unitClasses = map[string]string{"FN": "3", "OR": "012", "RG": "67", "OŚ": "6"}

// prepare reads the units and JRWA leaves in force, and makes the first
// case and document through the registry (committing the shared blob).
func (s *scaler) prepare(ctx context.Context) error {
	var classes []scaleClass
	err := s.a.db.Tenant(ctx, s.office, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, "SELECT id, symbol FROM units ORDER BY symbol")
		var err error
		s.units, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (scaleUnit, error) {
			var u scaleUnit
			return u, r.Scan(&u.id, &u.symbol)
		})
		if err != nil {
			return err
		}
		rows, _ = tx.Query(ctx, `SELECT c.id, c.symbol, c.title FROM jrwa_classes c JOIN jrwa_versions v ON v.id = c.version_id
			WHERE c.leaf AND v.valid_from <= $1 AND (v.valid_to IS NULL OR v.valid_to >= $1)
			  AND (c.valid_from IS NULL OR c.valid_from <= $1) AND (c.valid_to IS NULL OR c.valid_to >= $1) ORDER BY c.symbol`,
			calendar.NewDate(2023, 1, 1))
		classes, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (scaleClass, error) {
			var c scaleClass
			return c, r.Scan(&c.id, &c.symbol, &c.title)
		})
		return err
	})
	if err != nil {
		return err
	}
	if len(s.units) == 0 || len(classes) == 0 {
		return fmt.Errorf("seed-scale: the office has no units or no JRWA in force since 2023")
	}
	for i := range s.units {
		u := &s.units[i]
		first := ""
		for prefix, digits := range unitClasses {
			if strings.HasPrefix(u.symbol, prefix) {
				first = digits
			}
		}
		for _, c := range classes {
			if first == "" || strings.ContainsRune(first, rune(c.symbol[0])) {
				u.classes = append(u.classes, c)
			}
		}
		if len(u.classes) == 0 {
			u.classes = classes
		}
	}
	// The first case and document, the ordinary way.
	u := s.units[s.rnd.IntN(len(s.units))]
	cl := u.classes[s.rnd.IntN(len(u.classes))]
	p := s.person()
	c, err := s.a.reg.CreateCase(ctx, s.admin, registry.NewCase{Unit: u.symbol, JRWA: cl.symbol, Title: s.caseTitle(cl), Sender: p.Name,
		Parties: []registry.NewCaseParty{{Party: p, Role: "strona"}}})
	if err != nil {
		return err
	}
	st, err := s.a.blobs.Stage(ctx, bytes.NewReader(scalePDF), int64(len(scalePDF)))
	if err != nil {
		return err
	}
	defer st.Discard()
	m := s.metadata(0, p.Name)
	d, err := s.a.reg.RegisterDocument(ctx, s.admin, registry.NewDocument{Metadata: m, CaseID: &c.ID,
		Files: []registry.File{{Name: s.fileName(m.Typ, 0), MediaType: "application/pdf", Head: scalePDF, Blob: st}}})
	if err != nil {
		return err
	}
	s.version = d.Versions[0]
	return nil
}

// scaleCase is one generated case with its party and documents.
type scaleCase struct {
	id, party  uuid.UUID
	unit       *scaleUnit
	class      scaleClass
	year, n    int
	sig, title string
	person     registry.Party
	started    calendar.Date
	created    time.Time
	docs       []scaleDoc
}

type scaleDoc struct {
	id    uuid.UUID
	meta  registry.Metadata
	file  string
	at    time.Time
	jsonb string
}

// writeBatch writes n cases with their documents (at most max documents)
// in one tenant transaction and returns the number of documents.
func (s *scaler) writeBatch(ctx context.Context, n, max int) (int, error) {
	cases := make([]*scaleCase, n)
	docs := 0
	for i := range cases {
		c := s.generate(min(s.perCase, max-docs))
		cases[i] = c
		docs += len(c.docs)
	}
	err := s.a.db.Tenant(ctx, s.office, func(tx pgx.Tx) error {
		if err := s.number(ctx, tx, cases); err != nil {
			return err
		}
		return s.insert(ctx, tx, cases)
	})
	if err != nil {
		return 0, engine.E("seed-scale", "writing a batch", err)
	}
	return docs, nil
}

// generate makes a case of a random unit, class and year (2023 to this
// year, not in the future) with k documents.
func (s *scaler) generate(k int) *scaleCase {
	u := &s.units[s.rnd.IntN(len(s.units))]
	c := &scaleCase{id: uuid.Must(uuid.NewV7()), party: uuid.Must(uuid.NewV7()), unit: u, class: u.classes[s.rnd.IntN(len(u.classes))]}
	c.person = s.person()
	thisYear := s.now.Year()
	c.year = 2023 + s.rnd.IntN(thisYear-2023+1)
	first := time.Date(c.year, 1, 2, 8, 0, 0, 0, calendar.Warsaw())
	last := time.Date(c.year, 12, 20, 15, 0, 0, 0, calendar.Warsaw())
	if latest := s.now.Add(-time.Duration(k+1) * 26 * time.Hour); latest.Before(last) {
		last = latest
	}
	if !last.After(first) {
		first = last.Add(-time.Hour)
	}
	c.created = first.Add(time.Duration(s.rnd.Int64N(int64(last.Sub(first))))).UTC().Truncate(time.Microsecond)
	c.started = calendar.DateOf(c.created)
	c.title = s.caseTitle(c.class)
	for j := range k {
		m := s.metadata(j, c.person.Name)
		d := scaleDoc{id: uuid.Must(uuid.NewV7()), at: c.created.Add(time.Duration(j)*26*time.Hour + time.Duration(s.rnd.IntN(3600))*time.Second)}
		date := calendar.DateOf(d.at)
		m.Data, m.Identyfikator = &date, d.id.String()
		d.meta, d.file = m, s.fileName(m.Typ, j)
		js, _ := json.Marshal(m)
		d.jsonb = string(js)
		c.docs = append(c.docs, d)
	}
	return c
}

// number takes the cases' numbers from the counters (advanced by as many
// as each unit/class/year uses, in the transaction) and makes signatures.
func (s *scaler) number(ctx context.Context, tx pgx.Tx, cases []*scaleCase) error {
	type key struct {
		unit uuid.UUID
		jrwa string
		year int
	}
	counts := map[key]int{}
	for _, c := range cases {
		counts[key{c.unit.id, c.class.symbol, c.year}]++
	}
	var units []uuid.UUID
	var jrwas []string
	var years, ns []int
	for k, n := range counts {
		units, jrwas, years, ns = append(units, k.unit), append(jrwas, k.jrwa), append(years, k.year), append(ns, n)
	}
	rows, _ := tx.Query(ctx, `INSERT INTO case_counters (office_id, unit_id, jrwa_symbol, year, last_n)
		SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::int[], $5::int[])
		ON CONFLICT (office_id, unit_id, jrwa_symbol, year) DO UPDATE SET last_n = case_counters.last_n + EXCLUDED.last_n
		RETURNING unit_id, jrwa_symbol, year, last_n`, s.office, units, jrwas, years, ns)
	next := map[key]int{}
	var k key
	var last int
	_, err := pgx.ForEachRow(rows, []any{&k.unit, &k.jrwa, &k.year, &last}, func() error {
		next[k] = last - counts[k] + 1
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range cases {
		kk := key{c.unit.id, c.class.symbol, c.year}
		c.n = next[kk]
		next[kk]++
		c.sig = registry.Signature(c.unit.symbol, c.class.symbol, c.n, c.year)
	}
	return nil
}

// insert writes parties, cases, their links, documents, versions and
// metryka entries, one statement each.
func (s *scaler) insert(ctx context.Context, tx pgx.Tx, cases []*scaleCase) error {
	var (
		pID                                       []uuid.UUID
		pName, pPESEL, pStreet, pCode, pCity      []string
		cID, cUnit, cClass                        []uuid.UUID
		cJRWA, cSig, cTitle, cSender, cStart, cDl []string
		cYear, cN                                 []int
		cAt                                       []time.Time
		dID, dCase                                []uuid.UUID
		dTitle, dKind, dMeta, dFile               []string
		dAt                                       []time.Time
		mID, mCase                                []uuid.UUID
		mSeq                                      []int
		mAt                                       []time.Time
		mAction, mPosition, mDetails              []string
		mDoc                                      []*uuid.UUID
		mPrev, mHash                              [][]byte
	)
	position := "Administrator systemu"
	if len(s.admin.Positions) > 0 {
		position = s.admin.Positions[0].Name
	} else if len(s.admin.Roles) > 0 {
		position = string(s.admin.Roles[0])
	}
	for _, c := range cases {
		p := c.person
		pID, pName, pPESEL, pStreet, pCode, pCity = append(pID, c.party), append(pName, p.Name), append(pPESEL, p.PESEL),
			append(pStreet, p.Street), append(pCode, p.PostalCode), append(pCity, p.City)
		cID, cUnit, cClass, cJRWA = append(cID, c.id), append(cUnit, c.unit.id), append(cClass, c.class.id), append(cJRWA, c.class.symbol)
		cSig, cTitle, cSender = append(cSig, c.sig), append(cTitle, c.title), append(cSender, p.Name)
		cStart, cDl = append(cStart, c.started.String()), append(cDl, c.started.AddDays(30).String())
		cYear, cN, cAt = append(cYear, c.year), append(cN, c.n), append(cAt, c.created)

		prev := registry.GenesisHash()
		seq := 0
		entry := func(at time.Time, action string, doc *uuid.UUID, details map[string]string) {
			seq++
			e := &registry.MetrykaEntry{ID: uuid.Must(uuid.NewV7()), CaseID: c.id, Seq: seq, At: at, ActorID: s.admin.UserID,
				ActorName: s.admin.Name, ActorPosition: position, Action: action, DocumentID: doc, Details: details}
			h := registry.ChainHash(prev, e)
			js, _ := json.Marshal(details)
			mID, mCase, mSeq, mAt = append(mID, e.ID), append(mCase, c.id), append(mSeq, seq), append(mAt, at)
			mAction, mPosition, mDetails, mDoc = append(mAction, action), append(mPosition, position), append(mDetails, string(js)), append(mDoc, doc)
			mPrev, mHash = append(mPrev, prev), append(mHash, h)
			prev = h
		}
		entry(c.created, registry.ActionCaseCreated, nil, map[string]string{"signature": c.sig, "title": c.title, "jrwaVersion": "seed-scale"})
		entry(c.created, registry.ActionPartyAdded, nil, map[string]string{"party": c.party.String(), "name": p.Name, "role": "strona"})
		for _, d := range c.docs {
			dID, dCase, dTitle, dKind = append(dID, d.id), append(dCase, c.id), append(dTitle, d.meta.Tytul), append(dKind, d.meta.Typ)
			dMeta, dFile, dAt = append(dMeta, d.jsonb), append(dFile, d.file), append(dAt, d.at)
			entry(d.at, registry.ActionDocumentAdded, &d.id, map[string]string{"title": d.meta.Tytul, "type": d.meta.Typ, "versions": "1"})
		}
	}
	v := s.version
	stmts := []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO parties (id, office_id, kind, name, pesel, street, postal_code, city, created_at)
		  SELECT t.id, $1, 'person', t.name, t.pesel, t.street, t.code, t.city, $8
		  FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS t(id, name, pesel, street, code, city)`,
			[]any{s.office, pID, pName, pPESEL, pStreet, pCode, pCity, s.now}},
		{`INSERT INTO cases (id, office_id, unit_id, jrwa_class_id, jrwa_symbol, year, n, signature, title, status, sender,
		  started_on, deadline, created_by, created_at, updated_at)
		  SELECT t.id, $1, t.unit, t.class, t.jrwa, t.year, t.n, t.sig, t.title, 'open', t.sender, t.started::date, t.deadline::date, $13, t.at, t.at
		  FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::int[], $7::int[], $8::text[], $9::text[], $10::text[],
		  $11::text[], $12::text[], $14::timestamptz[]) AS t(id, unit, class, jrwa, year, n, sig, title, sender, started, deadline, at)`,
			[]any{s.office, cID, cUnit, cClass, cJRWA, cYear, cN, cSig, cTitle, cSender, cStart, cDl, s.admin.UserID, cAt}},
		{`INSERT INTO case_parties (office_id, case_id, party_id, role)
		  SELECT $1, t.c, t.p, 'strona' FROM unnest($2::uuid[], $3::uuid[]) AS t(c, p)`, []any{s.office, cID, pID}},
		{`INSERT INTO documents (id, office_id, case_id, title, kind, metadata, registered_by, registered_at)
		  SELECT t.id, $1, t.c, t.title, t.kind, t.meta::jsonb, $7, t.at
		  FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $8::timestamptz[]) AS t(id, c, title, kind, meta, at)`,
			[]any{s.office, dID, dCase, dTitle, dKind, dMeta, s.admin.UserID, dAt}},
		{`INSERT INTO document_versions (office_id, document_id, n, file_name, media_type, size, sha256, created_by, created_at)
		  SELECT $1, t.id, 1, t.file, $4, $5, $6, $7, t.at FROM unnest($2::uuid[], $3::text[], $8::timestamptz[]) AS t(id, file, at)`,
			[]any{s.office, dID, dFile, v.MediaType, v.Size, v.SHA256, s.admin.UserID, dAt}},
		{`INSERT INTO metryka (id, office_id, case_id, seq, at, actor_id, actor_name, actor_position, action, document_id, details, prev_hash, hash)
		  SELECT t.id, $1, t.c, t.seq, t.at, $2, $3, t.pos, t.action, t.doc, t.details::jsonb, t.prev, t.hash
		  FROM unnest($4::uuid[], $5::uuid[], $6::int[], $7::timestamptz[], $8::text[], $9::text[], $10::uuid[], $11::text[], $12::bytea[], $13::bytea[])
		  AS t(id, c, seq, at, pos, action, doc, details, prev, hash)`,
			[]any{s.office, s.admin.UserID, s.admin.Name, mID, mCase, mSeq, mAt, mPosition, mAction, mDoc, mDetails, mPrev, mHash}},
	}
	for _, st := range stmts {
		if _, err := tx.Exec(ctx, st.sql, st.args...); err != nil {
			return err
		}
	}
	return nil
}

// Generated Polish names, places and texts.
var (
	maleFirst   = []string{"Jan", "Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Michał", "Marcin", "Grzegorz", "Józef", "Łukasz", "Adam", "Zbigniew", "Jerzy", "Tadeusz", "Mateusz", "Dariusz", "Mariusz", "Wojciech", "Ryszard", "Jakub", "Henryk", "Robert", "Kazimierz", "Stanisław"}
	femaleFirst = []string{"Anna", "Maria", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa", "Krystyna", "Elżbieta", "Zofia", "Joanna", "Magdalena", "Monika", "Danuta", "Teresa", "Beata", "Dorota", "Jadwiga", "Łucja", "Halina", "Irena", "Grażyna", "Żaneta", "Urszula", "Bożena"}
	surnames    = [][2]string{{"Nowak", "Nowak"}, {"Kowalski", "Kowalska"}, {"Wiśniewski", "Wiśniewska"}, {"Wójcik", "Wójcik"}, {"Kowalczyk", "Kowalczyk"},
		{"Kamiński", "Kamińska"}, {"Lewandowski", "Lewandowska"}, {"Zieliński", "Zielińska"}, {"Szymański", "Szymańska"}, {"Woźniak", "Woźniak"},
		{"Dąbrowski", "Dąbrowska"}, {"Kozłowski", "Kozłowska"}, {"Jankowski", "Jankowska"}, {"Mazur", "Mazur"}, {"Kwiatkowski", "Kwiatkowska"},
		{"Krawczyk", "Krawczyk"}, {"Piotrowski", "Piotrowska"}, {"Grabowski", "Grabowska"}, {"Nowakowski", "Nowakowska"}, {"Pawłowski", "Pawłowska"},
		{"Michalski", "Michalska"}, {"Król", "Król"}, {"Wieczorek", "Wieczorek"}, {"Jabłoński", "Jabłońska"}, {"Wróbel", "Wróbel"},
		{"Majewski", "Majewska"}, {"Olszewski", "Olszewska"}, {"Stępień", "Stępień"}, {"Jaworski", "Jaworska"}, {"Malinowski", "Malinowska"},
		{"Górski", "Górska"}, {"Sikora", "Sikora"}, {"Żółtowski", "Żółtowska"}, {"Brzęczyszczykiewicz", "Brzęczyszczykiewicz"}, {"Łęcki", "Łęcka"}}
	streets = []string{"ul. Lipowa", "ul. Polna", "ul. Leśna", "ul. Słoneczna", "ul. Krótka", "ul. Szkolna", "ul. Ogrodowa", "ul. Łąkowa",
		"ul. Kościuszki", "ul. Mickiewicza", "ul. Źródlana", "ul. Żwirki i Wigury", "ul. Brzozowa", "ul. Kwiatowa", "ul. Świerkowa"}
	places   = []string{"Przykładowo", "Stara Wieś", "Nowa Wola", "Zalesie", "Łęczyca Mała", "Dąbrówka", "Górki", "Józefów", "Żabia Wola", "Brzózki"}
	docKinds = []struct{ typ, title, opis string }{
		{"podanie/wniosek", "Wniosek", "Wniosek strony wraz z załącznikami"},
		{"zawiadomienie", "Zawiadomienie o wszczęciu postępowania", "Zawiadomienie stron o wszczęciu postępowania administracyjnego (art. 61 § 4 KPA)"},
		{"wezwanie", "Wezwanie do uzupełnienia braków formalnych", "Wezwanie w trybie art. 64 § 2 KPA, termin 7 dni"},
		{"potwierdzenie odbioru/doręczenia/przedłożenia", "Zwrotne potwierdzenie odbioru", "Skan ZPO podpisanego przez adresata"},
		{"notatka", "Notatka służbowa", "Notatka z rozmowy telefonicznej ze stroną"},
		{"decyzja", "Decyzja", "Decyzja administracyjna rozstrzygająca sprawę co do istoty"},
		{"pełnomocnictwo", "Pełnomocnictwo", "Pełnomocnictwo szczególne wraz z dowodem uiszczenia opłaty skarbowej"},
		{"protokół", "Protokół oględzin", "Protokół z oględzin nieruchomości w obecności stron"},
		{"postanowienie", "Postanowienie", "Postanowienie w sprawie przedłużenia terminu załatwienia sprawy"},
		{"oświadczenie", "Oświadczenie", "Oświadczenie strony o stanie majątkowym"},
		{"zaświadczenie", "Zaświadczenie", "Zaświadczenie o niezaleganiu w podatkach lub stwierdzające stan zaległości"},
		{"odwołanie", "Odwołanie od decyzji", "Odwołanie do Samorządowego Kolegium Odwoławczego"},
	}
	subjects = []string{"nieruchomości przy %s %d", "działki nr %d/%d w obrębie %s", "lokalu mieszkalnego przy %s %d", "gospodarstwa rolnego w miejscowości %s"}
)

// person is a generated natural person with a valid PESEL.
func (s *scaler) person() registry.Party {
	female := s.rnd.IntN(2) == 0
	sn := surnames[s.rnd.IntN(len(surnames))]
	first, last := maleFirst[s.rnd.IntN(len(maleFirst))], sn[0]
	if female {
		first, last = femaleFirst[s.rnd.IntN(len(femaleFirst))], sn[1]
	}
	birth := calendar.NewDate(1940+s.rnd.IntN(65), time.Month(1+s.rnd.IntN(12)), 1+s.rnd.IntN(28))
	return registry.Party{Kind: "person", Name: first + " " + last, PESEL: pesel(birth, s.rnd.IntN(1000), female, s.rnd.IntN(5)),
		Street:     fmt.Sprintf("%s %d", streets[s.rnd.IntN(len(streets))], 1+s.rnd.IntN(120)),
		PostalCode: fmt.Sprintf("%02d-%03d", s.rnd.IntN(100), s.rnd.IntN(1000)), City: places[s.rnd.IntN(len(places))]}
}

// pesel builds a PESEL: birth date (month + 20 for 2000–2099), a serial, the
// sex digit (even for women) and the check digit.
func pesel(d calendar.Date, serial int, female bool, sex int) string {
	m := int(d.Month)
	if d.Year >= 2000 {
		m += 20
	}
	x := 2*sex + 1
	if female {
		x = 2 * sex
	}
	s := fmt.Sprintf("%02d%02d%02d%03d%d", d.Year%100, m, d.Day, serial, x)
	w := []int{1, 3, 7, 9, 1, 3, 7, 9, 1, 3}
	sum := 0
	for i, c := range s {
		sum += int(c-'0') * w[i]
	}
	return s + strconv.Itoa((10-sum%10)%10)
}

func (s *scaler) subject() string {
	switch f := subjects[s.rnd.IntN(len(subjects))]; strings.Count(f, "%") {
	case 1:
		return fmt.Sprintf(f, places[s.rnd.IntN(len(places))])
	case 2:
		return fmt.Sprintf(f, streets[s.rnd.IntN(len(streets))], 1+s.rnd.IntN(120))
	default:
		return fmt.Sprintf(f, 1+s.rnd.IntN(900), 1+s.rnd.IntN(30), places[s.rnd.IntN(len(places))])
	}
}

// caseTitle is the class's title narrowed to a subject.
func (s *scaler) caseTitle(c scaleClass) string {
	t := c.title
	if r := []rune(t); len(r) > 120 {
		t = string(r[:120])
	}
	return t + " — " + s.subject()
}

func (s *scaler) metadata(j int, author string) registry.Metadata {
	d := docKinds[s.rnd.IntN(len(docKinds))]
	if j == 0 {
		d = docKinds[0]
	}
	today := calendar.DateOf(s.now)
	return registry.Metadata{Tytul: d.title + " — " + author, Typ: d.typ, Data: &today, Tworca: author, Dostep: "niepubliczny",
		Opis: d.opis + ", dotyczy " + s.subject()}
}

func (s *scaler) fileName(typ string, j int) string {
	base := strings.NewReplacer("/", "-", " ", "-").Replace(typ)
	return fmt.Sprintf("%s-%d-%05d.pdf", base, j+1, s.rnd.IntN(100000))
}

// scalePDF is the one-page PDF every generated version points at.
var scalePDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
	"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n" +
	"4 0 obj<</Length 62>>stream\nBT /F1 18 Tf 72 760 Td (Dokument wygenerowany - seed-scale) Tj ET\nendstream endobj\n" +
	"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
