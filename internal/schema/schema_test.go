package schema

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/marketplace-program/marketplace"
	"github.com/marketplace-program/marketplace/internal/diag"
	"go.yaml.in/yaml/v3"
)

// newValidator compiles the repository's own schemas, the same ones the
// binary embeds.
func newValidator(t testing.TB) *Validator {
	t.Helper()
	v, err := New(marketplace.Defaults)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// parse decodes YAML as the loader does; nil for an empty document.
func parse(t testing.TB, text string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatalf("bad test YAML: %v", err)
	}
	if doc.Kind == 0 {
		return nil
	}
	return &doc
}

func check(t *testing.T, v *Validator, kind Kind, text string) diag.List {
	t.Helper()
	src := diag.NewSource("f.yaml", []byte(text))
	return v.Validate(kind, src, parse(t, text))
}

type want struct {
	rule      string
	line, col int
	pointer   string
	msg       string // substring of the message; optional
	hint      string // exact hint; optional
}

// programHead is a minimal rules file, less its activities.
const programHead = `lifecycle: {certification_window_months: 3, renewal_months: 12, candidate_credit_usd: 2000, candidate_points_table: silver, certification_checks: [documentation]}
tiers: [{id: silver, name: Silver, min_points: 0, monthly_credit_usd: 2000, points_table: silver}]
categories: [{id: storage, name: Storage}]
`

const (
	okPartner = "name: Acme\nsummary: Backups.\n"
	okLedger  = "events:\n  - date: 2015-01-05\n    type: applied\n"
	okArticle = "title: T\ndate: 2015-01-05\nauthor: A\n"
	okLegacy  = "title: T\ndate: 01-15-2015\nauthor: A\n"
)

func TestValidate(t *testing.T) {
	v := newValidator(t)
	long := strings.Repeat("x", 161)
	tests := []struct {
		name string
		kind Kind
		text string
		want []want // in diag.List order; empty means valid
	}{
		// partner
		{"partner ok", Partner, okPartner + `description: "**hi**"
website: https://acme.example
logo: acme.logo.svg
categories: [storage, backup]
delivery: saas
pricing: byol
support: {email: help@acme.example, phone: "+1 555 0100", hours: 24x7, url: "https://acme.example/help"}
escalation: {name: Jo, email: jo@acme.example, phone: "+1"}
maintainers: [jo-smith, A1]
`, nil},
		{"missing name", Partner, "# header\nsummary: s\n", []want{
			{rule: "schema.required", line: 2, col: 1, pointer: "", msg: `missing required key "name"`}}},
		{"empty name", Partner, "name: ''\nsummary: s\n", []want{
			{rule: "schema.min-length", line: 1, col: 7, pointer: "/name", msg: "name must not be empty"}}},
		{"null name", Partner, "name:\nsummary: s\n", []want{
			{rule: "schema.type", line: 1, col: 6, pointer: "/name", msg: "got nothing"}}},
		{"summary 161 chars", Partner, "name: A\nsummary: " + long + "\n", []want{
			{rule: "schema.max-length", line: 2, col: 10, pointer: "/summary", msg: "summary is 161 characters; the limit is 160"}}},
		{"summary counts characters not bytes", Partner, "name: A\nsummary: " + strings.Repeat("é", 160) + "\n", nil},
		{"bad email", Partner, okPartner + "support:\n  email: help-at-acme\n", []want{
			{rule: "schema.format", line: 4, col: 10, pointer: "/support/email", msg: "must be an e-mail address"}}},
		{"bad uri", Partner, okPartner + "website: acme.example\n", []want{
			{rule: "schema.format", line: 3, col: 10, pointer: "/website", hint: "add the scheme: https://acme.example"}}},
		{"website not http", Partner, okPartner + "website: ftp://acme.example\n", []want{
			{rule: "schema.pattern", line: 3, col: 10, pointer: "/website"}}},
		{"categories as string", Partner, okPartner + "categories: storage\n", []want{
			{rule: "schema.type", line: 3, col: 13, pointer: "/categories", msg: "categories must be a list; got a string",
				hint: "write a list: categories: [storage]"}}},
		{"categories empty", Partner, okPartner + "categories: []\n", []want{
			{rule: "schema.min-items", line: 3, col: 13, pointer: "/categories"}}},
		{"categories repeated", Partner, okPartner + "categories:\n  - storage\n  - backup\n  - storage\n", []want{
			{rule: "schema.unique", line: 6, col: 5, pointer: "/categories/2", msg: `"storage" twice (items 1 and 3)`}}},
		{"delivery enum", Partner, okPartner + "delivery: hosted\n", []want{
			{rule: "schema.enum", line: 3, col: 11, pointer: "/delivery", msg: `delivery must be one of software, saas; got "hosted"`}}},
		{"pricing enum did you mean", Partner, okPartner + "pricing: hourley\n", []want{
			{rule: "schema.enum", line: 3, col: 10, pointer: "/pricing", hint: `did you mean "hourly"?`}}},
		{"logo path", Partner, okPartner + "logo: ../logo.png\n", []want{
			{rule: "schema.pattern", line: 3, col: 7, pointer: "/logo"}}},
		{"logo backslash", Partner, okPartner + "logo: 'a\\b.png'\n", []want{
			{rule: "schema.pattern", line: 3, col: 7, pointer: "/logo"}}},
		{"logo jpg", Partner, okPartner + "logo: a.jpg\n", []want{
			{rule: "schema.pattern", line: 3, col: 7, pointer: "/logo"}}},
		{"bad handle", Partner, okPartner + "maintainers: [ok, -bad]\n", []want{
			{rule: "schema.pattern", line: 3, col: 19, pointer: "/maintainers/1"}}},
		{"unknown top-level key", Partner, okPartner + "webiste: https://a.example\n", []want{
			{rule: "schema.unknown-key", line: 3, col: 1, pointer: "/webiste", hint: `did you mean "website"?`}}},
		{"unknown nested key", Partner, okPartner + "support:\n  mail: a@b.example\n", []want{
			{rule: "schema.unknown-key", line: 4, col: 3, pointer: "/support/mail", hint: `did you mean "email"?`}}},
		{"unknown key without near match", Partner, okPartner + "zzzzzz: 1\n", []want{
			{rule: "schema.unknown-key", line: 3, col: 1, pointer: "/zzzzzz", msg: `unknown key "zzzzzz"`}}},
		{"number where text belongs", Partner, "name: 2015\nsummary: s\n", []want{
			{rule: "schema.type", line: 1, col: 7, pointer: "/name", hint: `quote it to make it text: "2015"`}}},
		{"not a mapping", Partner, "- a\n- b\n", []want{
			{rule: "schema.type", line: 1, col: 1, pointer: ""}}},
		{"empty file", Partner, "", []want{
			{rule: "schema.required", line: 0, col: 0, msg: `"name"`},
			{rule: "schema.required", line: 0, col: 0, msg: `"summary"`}}},
		{"comments only", Partner, "# nothing yet\n", []want{
			{rule: "schema.required", line: 1, col: 1, msg: `"name"`},
			{rule: "schema.required", line: 1, col: 1, msg: `"summary"`}}},
		{"merge key applied", Partner, okPartner + "support:\n  <<: {email: a@b.example}\n  phone: '1'\n", nil},
		{"unknown key inside a merge", Partner, okPartner + "support:\n  <<: {emial: a@b.example}\n", []want{
			{rule: "schema.unknown-key", line: 4, col: 8, pointer: "/support/emial", hint: `did you mean "email"?`}}},
		{"merge through an alias", Partner, okPartner + "support: &s {hours: 24x7, phone: '1'}\nescalation:\n  <<: *s\n  phone: '2'\n  name: Jo\n", []want{
			{rule: "schema.unknown-key", line: 3, col: 14, pointer: "/escalation/hours"}}},
		{"anchored unknown key", Partner, "base: &b {name: A, summary: s}\n", []want{
			{rule: "schema.required", line: 1, col: 1, msg: `"name"`},
			{rule: "schema.required", line: 1, col: 1, msg: `"summary"`},
			{rule: "schema.unknown-key", line: 1, col: 1, pointer: "/base"}}},
		{"alias value", Partner, "name: &n A\nsummary: *n\n", nil},

		// ledger
		{"ledger ok", Ledger, `support_tier: professional
events:
  - {date: 2015-01-05, type: applied}
  - {date: 2015-02-01, type: accepted}
  - date: 2015-03-02
    type: certified
    checks: [performs-as-advertised, documentation]
  - {date: 2015-04-01, type: standing, good: false, note: late payment}
awards:
  - {date: 2015-01-05, activity: admission}
  - date: 2015-05-01
    activity: customer-deployment
    ref: Contoso
    evidence: https://acme.example/contoso
    revoked: {date: 2015-06-01, reason: duplicate}
`, nil},
		{"bad date", Ledger, "events:\n  - date: 2015-13-40\n    type: applied\n", []want{
			{rule: "schema.format", line: 2, col: 11, pointer: "/events/0/date", msg: `got "2015-13-40"`}}},
		{"legacy date in ledger", Ledger, "events:\n  - date: 3-2-2015\n    type: applied\n", []want{
			{rule: "schema.format", line: 2, col: 11, pointer: "/events/0/date", hint: "write it as 2015-03-02"}}},
		{"event type typo", Ledger, "events:\n  - {date: 2015-01-05, type: certifed}\n", []want{
			{rule: "schema.enum", line: 2, col: 30, pointer: "/events/0/type", hint: `did you mean "certified"?`}}},
		{"event missing date", Ledger, "events:\n  - type: applied\n", []want{
			{rule: "schema.required", line: 2, col: 5, pointer: "/events/0", msg: `events[0] is missing required key "date"`}}},
		{"checks on non-certified event", Ledger, "events:\n  - date: 2015-01-05\n    type: accepted\n    checks: [documentation]\n", []want{
			{rule: "schema.not-allowed", line: 4, col: 5, pointer: "/events/0/checks", hint: "checks are recorded only on a certified event"}}},
		{"standing without good", Ledger, "events:\n  - date: 2015-01-05\n    type: standing\n", []want{
			{rule: "schema.required", line: 2, col: 5, pointer: "/events/0", msg: `"good"`, hint: "a standing event records good: true or good: false"}}},
		{"good not boolean", Ledger, "events:\n  - {date: 2015-01-05, type: standing, good: yes}\n", []want{
			{rule: "schema.type", line: 2, col: 46, pointer: "/events/0/good"}}},
		{"support tier enum", Ledger, "support_tier: gold\n", []want{
			{rule: "schema.enum", line: 1, col: 15, pointer: "/support_tier"}}},
		{"award activity form", Ledger, "awards:\n  - {date: 2015-01-05, activity: Press Release}\n", []want{
			{rule: "schema.pattern", line: 2, col: 34, pointer: "/awards/0/activity"}}},
		{"revoked without reason", Ledger, "awards:\n  - date: 2015-01-05\n    activity: admission\n    revoked:\n      date: 2015-02-01\n", []want{
			{rule: "schema.required", line: 5, col: 7, pointer: "/awards/0/revoked", msg: `"reason"`}}},
		{"evidence not a url", Ledger, "awards:\n  - {date: 2015-01-05, activity: cca-expo, evidence: 'not a url'}\n", []want{
			{rule: "schema.format", line: 2, col: 54, pointer: "/awards/0/evidence"}}},
		{"unknown award key", Ledger, "awards:\n  - {date: 2015-01-05, activity: cca-expo, refs: x}\n", []want{
			{rule: "schema.unknown-key", line: 2, col: 44, pointer: "/awards/0/refs", hint: `did you mean "ref"?`}}},

		// article front matter
		{"article ok", Article, okArticle + "summary: s\npartner: acme-2\naudience: internal\nsticky: true\nkeywords: [a, b]\n", nil},
		{"article missing author", Article, "title: T\ndate: 2015-01-05\n", []want{
			{rule: "schema.required", line: 1, col: 1, pointer: "", msg: `"author"`}}},
		{"article bad date", Article, "title: T\ndate: 2015-13-40\nauthor: A\n", []want{
			{rule: "schema.format", line: 2, col: 7, pointer: "/date"}}},
		{"article empty title", Article, "title: \"\"\ndate: 2015-01-05\nauthor: A\n", []want{
			{rule: "schema.min-length", line: 1, col: 8, pointer: "/title"}}},
		{"article partner id", Article, okArticle + "partner: Acme Inc\n", []want{
			{rule: "schema.pattern", line: 4, col: 10, pointer: "/partner"}}},
		{"article audience", Article, okArticle + "audience: publc\n", []want{
			{rule: "schema.enum", line: 4, col: 11, pointer: "/audience", hint: `did you mean "public"?`}}},
		{"article sticky string", Article, okArticle + "sticky: 'yes'\n", []want{
			{rule: "schema.type", line: 4, col: 9, pointer: "/sticky"}}},
		{"article legacy key", Article, okArticle + "contentIsHTML: true\n", []want{
			{rule: "schema.unknown-key", line: 4, col: 1, pointer: "/contentIsHTML"}}},

		// legacy header (JSON-like, as the corpus writes it)
		{"legacy ok", LegacyArticle, `{
  "title": "Getting Started",
  "date": "1-5-2015",
  "author": "Jane Doe",
  "attachments": [],
  "related-products": [],
  "contentIsHTML": false,
  "sticky": true,
  "summary": "s", "partner": "acme", "audience": "public", "keywords": ["k"]
}`, nil},
		{"stickyt", LegacyArticle, "{\n  \"title\": \"T\",\n  \"date\": \"01-15-2015\",\n  \"author\": \"A\",\n  \"stickyt\": true\n}", []want{
			{rule: "schema.unknown-key", line: 5, col: 3, pointer: "/stickyt", msg: `unknown key "stickyt"`, hint: `did you mean "sticky"?`}}},
		{"legacy iso date", LegacyArticle, "title: T\ndate: 2015-01-15\nauthor: A\n", []want{
			{rule: "schema.pattern", line: 2, col: 7, pointer: "/date"}}},
		{"legacy month 13", LegacyArticle, "title: T\ndate: 13-01-2015\nauthor: A\n", []want{
			{rule: "schema.pattern", line: 2, col: 7, pointer: "/date"}}},
		{"legacy missing title", LegacyArticle, "{\"date\": \"1-1-2015\", \"author\": \"A\"}", []want{
			{rule: "schema.required", line: 1, col: 1, pointer: "", msg: `"title"`}}},
		{"legacy html flag type", LegacyArticle, okLegacy + "contentIsHTML: 'false'\n", []want{
			{rule: "schema.type", line: 4, col: 16, pointer: "/contentIsHTML"}}},

		// program
		{"program not a mapping", Program, "- tiers\n", []want{
			{rule: "schema.type", line: 1, col: 1, pointer: ""}}},
		{"program points table name", Program, programHead + "activities: [{id: a, name: A, points: {Silver: 5}, repeat: once}]\n", []want{
			{rule: "schema.unknown-key", line: 4, col: 40, pointer: "/activities/0/points/Silver", msg: `unknown key "Silver"`}}},
		{"program repeat enum", Program, programHead + "activities: [{id: a, name: A, points: {silver: 5}, repeat: twice}]\n", []want{
			{rule: "schema.enum", line: 4, col: 60, pointer: "/activities/0/repeat"}}},
		{"program whole numbers", Program, programHead + "activities: [{id: a, name: A, points: {silver: 2.5}, repeat: once}]\n", []want{
			{rule: "schema.type", line: 4, col: 48, pointer: "/activities/0/points/silver", msg: `got a number ("2.5")`}}},
		{"program minimum", Program, strings.Replace(programHead, "min_points: 0", "min_points: -1", 1) + "activities: [{id: a, name: A, points: {silver: 5}, repeat: once}]\n", []want{
			{rule: "schema.minimum", line: 2, col: 48, pointer: "/tiers/0/min_points", msg: "at least 0; got -1"}}},
		{"program missing sections", Program, "team: [a]\n", []want{
			{rule: "schema.required", line: 1, col: 1, msg: `"activities"`},
			{rule: "schema.required", line: 1, col: 1, msg: `"categories"`},
			{rule: "schema.required", line: 1, col: 1, msg: `"lifecycle"`},
			{rule: "schema.required", line: 1, col: 1, msg: `"tiers"`}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := check(t, v, tc.kind, tc.text)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d diagnostics, want %d:\n%s", len(got), len(tc.want), dump(got))
			}
			for i, w := range tc.want {
				d := got[i]
				if d.Rule != w.rule || d.Line != w.line || d.Col != w.col || d.Pointer != w.pointer {
					t.Errorf("diag %d = %s %d:%d %q, want %s %d:%d %q\n%s", i, d.Rule, d.Line, d.Col, d.Pointer,
						w.rule, w.line, w.col, w.pointer, dump(got))
				}
				if !strings.Contains(d.Msg, w.msg) {
					t.Errorf("diag %d message %q does not contain %q", i, d.Msg, w.msg)
				}
				if w.hint != "" && d.Hint != w.hint {
					t.Errorf("diag %d hint %q, want %q", i, d.Hint, w.hint)
				}
				if d.File != "f.yaml" || d.Severity != diag.Error {
					t.Errorf("diag %d: file %q severity %v", i, d.File, d.Severity)
				}
			}
		})
	}
}

func dump(l diag.List) string {
	var b strings.Builder
	for _, d := range l {
		b.WriteString("  " + d.String() + " ptr=" + d.Pointer + " hint=" + d.Hint + "\n")
	}
	return b.String()
}

// TestProgramFile checks that the repository's own rules file, the default
// the binary ships, satisfies its schema.
func TestProgramFile(t *testing.T) {
	data, err := marketplace.Defaults.ReadFile("program.yaml")
	if err != nil {
		t.Fatal(err)
	}
	v := newValidator(t)
	src := diag.NewSource("program.yaml", data)
	if l := v.Validate(Program, src, parse(t, string(data))); len(l) > 0 {
		t.Errorf("program.yaml does not validate:\n%s", dump(l))
	}
}

// TestSchemasDescribed holds the schemas to their second job, documentation
// for partners: every property says what it is for.
func TestSchemasDescribed(t *testing.T) {
	v := newValidator(t)
	for u, doc := range v.docs {
		var walk func(ptr string, s any)
		walk = func(ptr string, s any) {
			m, ok := s.(map[string]any)
			if !ok {
				return
			}
			for _, kw := range []string{"properties", "$defs"} {
				props, _ := m[kw].(map[string]any)
				for name, p := range props {
					pm, ok := p.(map[string]any)
					if !ok {
						continue
					}
					if d, _ := pm["description"].(string); d == "" {
						t.Errorf("%s#%s/%s/%s has no description", u, ptr, kw, name)
					}
					walk(ptr+"/"+kw+"/"+name, p)
				}
			}
			for _, kw := range []string{"items", "additionalProperties"} {
				walk(ptr+"/"+kw, m[kw])
			}
		}
		walk("", doc)
	}
}

// TestSchemaIDs holds each file's $id to its name, so that $refs between
// schemas and the URLs in error reports stay predictable.
func TestSchemaIDs(t *testing.T) {
	names, err := fs.Glob(marketplace.Defaults, "schema/*.schema.json")
	if err != nil || len(names) != 5 {
		t.Fatalf("schema files: %v %v", names, err)
	}
	for _, name := range names {
		data, err := marketplace.Defaults.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			ID     string `json:"$id"`
			Schema string `json:"$schema"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want := "https://marketplace.example/" + name; doc.ID != want {
			t.Errorf("%s: $id %q, want %q", name, doc.ID, want)
		}
		if doc.Schema != "https://json-schema.org/draft/2020-12/schema" {
			t.Errorf("%s: $schema %q", name, doc.Schema)
		}
	}
}

func TestKinds(t *testing.T) {
	v := newValidator(t)
	for _, k := range []Kind{Partner, Ledger, Article, LegacyArticle, Program} {
		if !v.Has(k) {
			t.Errorf("no schema for %s", k)
		}
	}
	l := v.Validate("nonsense", diag.NewSource("x.yaml", nil), nil)
	if len(l) != 1 || l[0].Rule != "schema.unavailable" {
		t.Errorf("unknown kind: got %v", l)
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
	}{
		{"no schemas", fstest.MapFS{}},
		{"bad json", fstest.MapFS{"schema/partner.schema.json": {Data: []byte("{")}}},
		{"bad schema", fstest.MapFS{"schema/partner.schema.json": {Data: []byte(`{"type": 5}`)}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(tc.fsys); err == nil {
				t.Error("New succeeded, want an error")
			}
		})
	}
}

// TestOverride checks a root's own schema directory is used as given,
// with or without an $id.
func TestOverride(t *testing.T) {
	v, err := New(fstest.MapFS{"schema/partner.schema.json": {Data: []byte(
		`{"type": "object", "additionalProperties": false, "properties": {"name": {"type": "string"}}}`)}})
	if err != nil {
		t.Fatal(err)
	}
	l := check(t, v, Partner, "name: A\nnmae: B\n")
	if len(l) != 1 || l[0].Rule != "schema.unknown-key" || l[0].Hint != `did you mean "name"?` {
		t.Errorf("got\n%s", dump(l))
	}
}

func TestConcurrent(t *testing.T) {
	v := newValidator(t)
	root := parse(t, "name: A\nsummary: s\ndelivery: hosted\n")
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if l := v.Validate(Partner, nil, root); len(l) != 1 {
					t.Errorf("got %d diagnostics", len(l))
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestToValue(t *testing.T) {
	tests := []struct {
		name, text string
		want       string // the value as JSON
	}{
		{"scalars", "s: x\nb: true\nn: ~\ni: 0x1F\nu: 1_000\nf: 1.5\ne: 1e3\nneg: -7", `{"b":true,"e":1e3,"f":1.5,"i":31,"n":null,"neg":-7,"s":"x","u":1000}`},
		{"dates stay strings", "d: 2015-01-05\nt: 2015-01-05T10:00:00Z\nq: !!timestamp 2015-1-5", `{"d":"2015-01-05","q":"2015-1-5","t":"2015-01-05T10:00:00Z"}`},
		{"binary stays text", "b: !!binary aGk=", `{"b":"aGk="}`},
		{"non-finite floats stay text", "a: .inf\nb: -.Inf\nc: .nan", `{"a":".inf","b":"-.Inf","c":".nan"}`},
		{"big int", "n: 123456789012345678901234567890", `{"n":123456789012345678901234567890}`},
		{"quoted numbers are strings", "n: '1'\nb: 'true'", `{"b":"true","n":"1"}`},
		{"alias", "a: &x [1, 2]\nb: *x", `{"a":[1,2],"b":[1,2]}`},
		{"merge, explicit wins", "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3", `{"base":{"x":1,"y":2},"m":{"x":1,"y":3}}`},
		{"merge list, first wins", "a: &a {x: 1}\nb: &b {x: 2, z: 3}\nm: {<<: [*a, *b]}", `{"a":{"x":1},"b":{"x":2,"z":3},"m":{"x":1,"z":3}}`},
		{"cyclic alias", "a: &a [*a]", `{"a":[[null]]}`},
		{"duplicate key, last wins", "a: 1\na: 2", `{"a":2}`},
		{"complex key", "? [a, b]\n: c", `{"[\"a\",\"b\"]":"c"}`},
		{"empty document", "", `null`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var root *yaml.Node
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(tc.text), &doc); err != nil {
				t.Skipf("yaml.v3 rejects this input: %v", err)
			}
			if doc.Kind != 0 {
				root = &doc
			}
			b, err := json.Marshal(ToValue(root))
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Errorf("got  %s\nwant %s", b, tc.want)
			}
		})
	}
}

// TestAliasBomb checks that a "billion laughs" document is judged in
// bounded time rather than expanded in full.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	v := newValidator(t)
	l := check(t, v, Partner, b.String())
	if len(l) == 0 {
		t.Fatal("want diagnostics for unknown keys")
	}
}
