// Package diag holds the problems that every stage of the pipeline reports:
// a position in a source file, a severity, a stable rule id, a message and a
// hint. A List collects them, sorts them by file, line and column, and drops
// repeats, in the manner of go/scanner's ErrorList.
//
// # Positions
//
// Pos.File is a slash-separated path relative to the content root. Lines and
// columns are 1-based; columns count Unicode characters, not bytes, so that
// an editor jumping to line:col lands on the character a caret points at.
// Line 0 means "the file as a whole" and prints as just the file name.
//
// # Rule ids
//
// Every diagnostic names the rule it enforces (for example "schema.required"
// or "points.gold-only"). Rule ids are part of the tool's stable interface:
// CI annotations, tests and the JSON output key on them.
package diag

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Pos is a place in a source file.
type Pos struct {
	File string
	Line int // 1-based; 0 when the problem concerns the whole file
	Col  int // 1-based, in characters; 0 when unknown
}

func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Severity says whether a diagnostic fails a run.
type Severity int

const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one problem found in the input.
type Diagnostic struct {
	Pos
	Severity Severity
	Rule     string // stable id, e.g. "yaml.syntax"
	Msg      string
	Hint     string // optional; how to fix it
	Pointer  string // optional JSON pointer to the value inside the file
}

func (d Diagnostic) String() string {
	return fmt.Sprintf("%s: %s: %s [%s]", d.Pos, d.Severity, d.Msg, d.Rule)
}

// List is an ordered collection of diagnostics. The zero value is ready.
type List []Diagnostic

// Add appends a diagnostic.
func (l *List) Add(d Diagnostic) { *l = append(*l, d) }

// Errorf appends an error at pos.
func (l *List) Errorf(pos Pos, rule, hint, format string, args ...any) {
	l.Add(Diagnostic{Pos: pos, Severity: Error, Rule: rule, Hint: hint, Msg: fmt.Sprintf(format, args...)})
}

// Warnf appends a warning at pos.
func (l *List) Warnf(pos Pos, rule, hint, format string, args ...any) {
	l.Add(Diagnostic{Pos: pos, Severity: Warning, Rule: rule, Hint: hint, Msg: fmt.Sprintf(format, args...)})
}

// Append adds every diagnostic of other.
func (l *List) Append(other List) { *l = append(*l, other...) }

func compare(a, b Diagnostic) int {
	return cmp.Or(
		strings.Compare(a.File, b.File),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Col, b.Col),
		cmp.Compare(a.Severity, b.Severity),
		strings.Compare(a.Rule, b.Rule),
		strings.Compare(a.Msg, b.Msg),
	)
}

// Sort orders the list by file, line, column, severity, rule and message,
// and removes exact repeats, so output is deterministic whatever order the
// stages ran in.
func (l *List) Sort() {
	slices.SortStableFunc(*l, compare)
	*l = slices.CompactFunc(*l, func(a, b Diagnostic) bool { return compare(a, b) == 0 })
}

// Errors returns the diagnostics of severity Error.
func (l List) Errors() List { return l.filter(Error) }

// Warnings returns the diagnostics of severity Warning.
func (l List) Warnings() List { return l.filter(Warning) }

func (l List) filter(s Severity) List {
	var out List
	for _, d := range l {
		if d.Severity == s {
			out = append(out, d)
		}
	}
	return out
}

// HasErrors reports whether any diagnostic is an error.
func (l List) HasErrors() bool {
	return slices.ContainsFunc(l, func(d Diagnostic) bool { return d.Severity == Error })
}

// Err returns nil when the list holds no errors, else the list as an error.
func (l List) Err() error {
	if !l.HasErrors() {
		return nil
	}
	return l
}

func (l List) Error() string {
	errs := l.Errors()
	switch len(errs) {
	case 0:
		return "no errors"
	case 1:
		return errs[0].String()
	}
	return fmt.Sprintf("%s (and %d more errors)", errs[0], len(errs)-1)
}
