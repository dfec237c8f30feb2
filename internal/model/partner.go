package model

import (
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/marketplace-program/marketplace/internal/diag"
)

// DecodePartner decodes a partner.yaml tree for the partner whose directory
// is id. root is the top mapping or the document node around it; nil yields
// a partner with only its id.
func DecodePartner(id string, src *diag.Source, root *yaml.Node) (*Partner, diag.List) {
	p := &Partner{ID: id, Source: src, Pos: map[string]diag.Pos{}}
	text := map[string]*string{
		"name": &p.Name, "summary": &p.Summary, "description": &p.Description,
		"website": &p.Website, "logo": &p.Logo, "delivery": &p.Delivery, "pricing": &p.Pricing,
		"support.email": &p.Support.Email, "support.phone": &p.Support.Phone,
		"support.hours": &p.Support.Hours, "support.url": &p.Support.URL,
		"escalation.name": &p.Escalation.Name, "escalation.email": &p.Escalation.Email,
		"escalation.phone": &p.Escalation.Phone,
	}
	lists := map[string]*[]string{"categories": &p.Categories, "maintainers": &p.Maintainers}

	var walk func(prefix string, n *yaml.Node)
	walk = func(prefix string, n *yaml.Node) {
		pairs(n, func(key string, _, v *yaml.Node) {
			path := prefix + key
			p.Pos[path] = at(src, v)
			if dst, ok := text[path]; ok {
				*dst = str(v)
			}
			if dst, ok := lists[path]; ok {
				for _, c := range items(v) {
					if c.Kind == yaml.ScalarNode {
						p.Pos[path+"."+strconv.Itoa(len(*dst))] = at(src, c)
						*dst = append(*dst, c.Value)
					}
				}
			}
			// Only the two known nested objects are walked, so the depth
			// is fixed whatever the tree.
			if prefix == "" && (key == "support" || key == "escalation") {
				walk(path+".", v)
			}
		})
	}
	walk("", root)
	return p, nil
}
