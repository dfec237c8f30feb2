package prcheck

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/project"
)

// Ownership rule ids.
const (
	RuleLedger         = "owner.ledger"
	RuleProgram        = "owner.program"
	RuleProgramContent = "owner.program-content"
	RuleOtherPartner   = "owner.other-partner"
	RuleSelfMaintainer = "owner.self-maintainer"
)

func normHandle(h string) string {
	return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(h), "@"))
}

func containsHandle(list []string, h string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return normHandle(x) == h })
}

func mention(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	out := make([]string, len(list))
	for i, h := range list {
		out[i] = "@" + strings.TrimPrefix(h, "@")
	}
	return strings.Join(out, ", ")
}

// ownership returns the changes author may not make. Who may change what
// is read from the base tree alone: the team from its program.yaml, each
// partner's maintainers from its partner.yaml.
func ownership(base, head *project.Project, files []File, author string) []Violation {
	author = normHandle(author)
	team := base.Rules.Team
	if containsHandle(team, author) {
		return nil
	}
	maintainers := func(p *project.Project, id string) (list []string, hasFile bool) {
		pa, ok := p.Partner(id)
		if !ok || pa.Dir.Partner == nil {
			return nil, false
		}
		if pa.Info == nil {
			return nil, true
		}
		return pa.Info.Maintainers, true
	}
	isPartner := func(id string) bool {
		_, inBase := base.Partner(id)
		_, inHead := head.Partner(id)
		return inBase || inHead
	}
	freshCodeOwners := !slices.ContainsFunc(head.Diags, func(d diag.Diagnostic) bool { return d.Rule == "codeowners.stale" })

	var out []Violation
	add := func(file, rule, format string, args ...any) {
		out = append(out, Violation{File: file, Rule: rule, Message: fmt.Sprintf(format, args...)})
	}
	you := "@" + author
	for _, f := range files {
		for _, p := range f.paths() {
			id := partnerOf(p, isPartner)
			switch {
			case id != "" && p == "partners/"+id+"/ledger.yaml":
				add(p, RuleLedger, "%s is the ecosystem team's record of points and certification: only the team (%s) may change it",
					p, mention(team))
			case id != "":
				baseM, existed := maintainers(base, id)
				headM, exists := maintainers(head, id)
				switch {
				case !existed && exists:
					// A new partner folder: anyone may propose one.
				case containsHandle(baseM, author):
				case p == "partners/"+id+"/partner.yaml" && containsHandle(headM, author):
					add(p, RuleSelfMaintainer, "the change adds %s to the maintainers of partner %q; only its current maintainers (%s) or the ecosystem team (%s) may do that",
						you, id, mention(baseM), mention(team))
				case containsHandle(headM, author):
					add(p, RuleOtherPartner, "%s is not a maintainer of partner %q at the base revision (maintainers: %s), and adding yourself in the same change does not count; ask a maintainer or the ecosystem team (%s)",
						you, id, mention(baseM), mention(team))
				default:
					add(p, RuleOtherPartner, "%s is not a maintainer of partner %q (maintainers: %s); only they or the ecosystem team (%s) may change its files",
						you, id, mention(baseM), mention(team))
				}
			case strings.HasPrefix(p, "content/"):
				add(p, RuleProgramContent, "%s is program-wide content, owned by the ecosystem team (%s)", p, mention(team))
			case p == project.CodeOwnersPath && f.Status != Deleted && freshCodeOwners:
				// Generated from the head's partner.yaml and program.yaml,
				// whose changes are judged on their own.
			default:
				add(p, RuleProgram, "%s belongs to the ecosystem team (%s): program rules, schemas, templates, the tool and CI are theirs to change",
					p, mention(team))
			}
		}
	}
	slices.SortFunc(out, func(a, b Violation) int {
		return cmp.Or(strings.Compare(a.File, b.File), strings.Compare(a.Rule, b.Rule))
	})
	return slices.CompactFunc(out, func(a, b Violation) bool { return a.File == b.File && a.Rule == b.Rule })
}
