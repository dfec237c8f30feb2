package model

import (
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/marketplace-program/marketplace/internal/diag"
)

// DecodeLedger decodes a ledger.yaml tree. root is the top mapping or the
// document node around it; nil yields an empty ledger.
func DecodeLedger(src *diag.Source, root *yaml.Node) (*Ledger, diag.List) {
	var diags diag.List
	l := &Ledger{Source: src, SupportTier: DefaultSupportTier, Pos: map[string]diag.Pos{}}
	pairs(root, func(key string, _, v *yaml.Node) {
		l.Pos[key] = at(src, v)
		switch key {
		case "support_tier":
			if s := str(v); s != "" {
				l.SupportTier = s
			}
		case "events":
			for _, item := range items(v) {
				l.Events = append(l.Events, decodeEvent(src, item, &diags))
			}
		case "awards":
			for _, item := range items(v) {
				a := decodeAward(src, item, &diags)
				a.Index = len(l.Awards)
				l.Awards = append(l.Awards, a)
			}
		}
	})
	return l, diags
}

func decodeEvent(src *diag.Source, n *yaml.Node, diags *diag.List) Event {
	e := Event{Pos: at(src, n), Fields: map[string]diag.Pos{}}
	pairs(n, func(key string, _, v *yaml.Node) {
		e.Fields[key] = at(src, v)
		switch key {
		case "date":
			e.Date = date(src, v, diags)
		case "type":
			e.Type = str(v)
		case "checks":
			for _, c := range items(v) {
				if c.Kind == yaml.ScalarNode {
					e.Fields["checks."+strconv.Itoa(len(e.Checks))] = at(src, c)
					e.Checks = append(e.Checks, c.Value)
				}
			}
		case "good":
			if b, ok := boolean(v); ok {
				e.Good = &b
			}
		case "note":
			e.Note = str(v)
		}
	})
	return e
}

func decodeAward(src *diag.Source, n *yaml.Node, diags *diag.List) Award {
	a := Award{Pos: at(src, n), Fields: map[string]diag.Pos{}}
	pairs(n, func(key string, _, v *yaml.Node) {
		a.Fields[key] = at(src, v)
		switch key {
		case "date":
			a.Date = date(src, v, diags)
		case "activity":
			a.Activity = str(v)
		case "ref":
			a.Ref = str(v)
		case "evidence":
			a.Evidence = str(v)
		case "note":
			a.Note = str(v)
		case "revoked":
			if v.Kind != yaml.MappingNode {
				return
			}
			r := &Revocation{Pos: at(src, v)}
			pairs(v, func(key string, _, v *yaml.Node) {
				a.Fields["revoked."+key] = at(src, v)
				switch key {
				case "date":
					r.Date = date(src, v, diags)
				case "reason":
					r.Reason = str(v)
				}
			})
			a.Revoked = r
		}
	})
	return a
}
