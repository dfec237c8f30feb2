package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/project"
)

var partnerID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

func newNewCmd(env *Env, g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "new",
		Short: "Start a partner or an article from a template that validates as it is",
	}
	cmd.AddCommand(newNewPartnerCmd(env, g, nil), newNewArticleCmd(env, g, nil))
	return cmd
}

// NewPartnerOptions are the arguments of new partner.
type NewPartnerOptions struct {
	Root string
	ID   string
	Name string
}

func newNewPartnerCmd(env *Env, g *globals, runF func(*NewPartnerOptions) error) *cobra.Command {
	opts := &NewPartnerOptions{}
	cmd := &cobra.Command{
		Use:   "partner ID",
		Short: "Write partners/ID/partner.yaml",
		Long: `new partner writes partners/ID/partner.yaml with every key the listing uses,
commented. ID is lowercase letters, digits and hyphens; it becomes the URL of
the partner's page. The ecosystem team adds ledger.yaml when it reviews the
application.`,
		Example: `  $ marketplace new partner acme-backup --name "Acme Backup"`,
		Args:    wrapArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Root, opts.ID = g.root, args[0]
			if !partnerID.MatchString(opts.ID) {
				return usagef("partner id %q: use lowercase letters, digits and hyphens, starting with a letter or digit", opts.ID)
			}
			if opts.Name == "" {
				opts.Name = titleFromID(opts.ID)
			}
			if runF != nil {
				return runF(opts)
			}
			return newPartnerRun(env, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Name, "name", "", "product `name` shown on the listing (default from the id)")
	return cmd
}

func titleFromID(id string) string {
	words := strings.Split(id, "-")
	for i, w := range words {
		if w != "" {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.Join(words, " ")
}

func newPartnerRun(env *Env, opts *NewPartnerOptions) error {
	rel := filepath.Join("partners", opts.ID, "partner.yaml")
	body := fmt.Sprintf(`# Listing data for %[1]s. Schema: schema/partner.schema.json.
# Run "marketplace validate" after every edit.
name: %[2]s
# One sentence for the listing card, at most 160 characters.
summary: %[3]s
# Markdown, shown on the partner page.
description: |
  What %[1]s does for customers of the cloud, and how it is deployed.
# website: https://www.example.com
# logo: logo.svg            # an SVG or PNG in this folder
# categories: [monitoring]  # from the rules file (program.yaml)
# delivery: software        # software or saas
# pricing: byol             # free, byol, hourly, monthly, subscription, contact
# Public support channels, required once you are a candidate (hours must be 24x7):
# support:
#   email: support@example.com
#   phone: "+1 555 0100"
#   hours: 24x7
#   url: https://support.example.com
# Internal escalation contacts for the support team, required once certified;
# never published on the public site:
# escalation:
#   name: Support Duty Manager
#   email: escalations@example.com
#   phone: "+1 555 0101"
# GitHub handles allowed to change this partner's files:
maintainers: []
`, opts.ID, strconv.Quote(opts.Name), strconv.Quote(opts.Name+" on the cloud marketplace."))
	if err := createFile(opts.Root, rel, body); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s\nnext: fill it in, add your logo, then run: marketplace validate\n", filepath.ToSlash(rel))
	return nil
}

// NewArticleOptions are the arguments of new article.
type NewArticleOptions struct {
	Root     string
	Title    string
	Partner  string
	Audience string
	Section  string
	Author   string
	Date     time.Time
}

func newNewArticleCmd(env *Env, g *globals, runF func(*NewArticleOptions) error) *cobra.Command {
	opts := &NewArticleOptions{}
	cmd := &cobra.Command{
		Use:   `article "Title"`,
		Short: "Write a KB article for a partner (or a program-wide section)",
		Long: `new article writes a Markdown article with its front matter filled in:
content/PARTNER/AUDIENCE/<slug>.md for a partner's article, or
content/SECTION/<slug>.md for a program-wide one.

Public articles guide customers through deploying the product; internal
articles tell the support team how it works and how to escalate.`,
		Example: `  $ marketplace new article --partner acme-backup --audience public "Getting Started with Acme Backup"
  $ marketplace new article --section "Getting Started" "How to Deploy a Blueprint"`,
		Args: wrapArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Root, opts.Title = g.root, strings.TrimSpace(args[0])
			if opts.Title == "" {
				return usagef("the title is empty")
			}
			if (opts.Partner == "") == (opts.Section == "") {
				return usagef("give either --partner ID or --section NAME")
			}
			if opts.Audience != "public" && opts.Audience != "internal" {
				return usagef("--audience must be public or internal; got %q", opts.Audience)
			}
			if opts.Section != "" && opts.Audience == "internal" {
				return usagef("program-wide articles are public; internal articles belong to a partner")
			}
			if opts.Author == "" {
				opts.Author = cmp(env.Getenv("GIT_AUTHOR_NAME"), env.Getenv("USER"), "Your Name")
			}
			y, m, d := env.Now().Date()
			opts.Date = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
			if runF != nil {
				return runF(opts)
			}
			return newArticleRun(env, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Partner, "partner", "", "partner `ID` the article belongs to")
	cmd.Flags().StringVar(&opts.Audience, "audience", "public", "public or internal")
	cmd.Flags().StringVar(&opts.Section, "section", "", "program-wide `section` folder (instead of --partner)")
	cmd.Flags().StringVar(&opts.Author, "author", "", "author `name` (default $GIT_AUTHOR_NAME or $USER)")
	return cmd
}

func cmp(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

const publicBody = `
## Overview

What the product does for a customer, in two or three sentences.

## Prerequisites

- An account on the cloud platform
- …

## Deploy

1. Step one.
2. Step two.

## Support

How customers reach your 24x7 support.
`

const internalBody = `
## How it works

Architecture, how the blueprint is designed, which tools it references.

## Known issues

- …

## Escalation

When and how the support team routes a customer to the partner's support
organization (the contacts are shown on this page from partner.yaml).
`

func newArticleRun(env *Env, opts *NewArticleOptions) error {
	var dir string
	if opts.Partner != "" {
		p, err := project.Open(os.DirFS(opts.Root), project.Options{AsOf: opts.Date})
		if err != nil {
			return err
		}
		if _, ok := p.Partner(opts.Partner); !ok {
			var ids []string
			for _, pa := range p.Partners {
				ids = append(ids, pa.ID)
			}
			msg := fmt.Sprintf("no partner %q", opts.Partner)
			if s := diag.Suggest(opts.Partner, ids); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			return usagef("%s; create it with: marketplace new partner %s", msg, opts.Partner)
		}
		dir = filepath.Join("content", opts.Partner, opts.Audience)
	} else {
		dir = filepath.Join("content", opts.Section)
	}
	rel := filepath.Join(dir, project.Slug(opts.Title)+".md")
	body := internalBody
	if opts.Audience == "public" {
		body = publicBody
	}
	text := fmt.Sprintf("---\ntitle: %s\ndate: %q\nauthor: %s\nsummary: %s\n---\n%s",
		strconv.Quote(opts.Title), opts.Date.Format(time.DateOnly), strconv.Quote(opts.Author),
		strconv.Quote("One sentence that says what this article helps with."), body)
	if err := createFile(opts.Root, rel, text); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s\n", filepath.ToSlash(rel))
	return nil
}

// createFile writes a new file under root, refusing to overwrite one.
func createFile(root, rel, body string) error {
	full := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(full, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return usagef("%s already exists; not overwriting it", filepath.ToSlash(rel))
	}
	if err != nil {
		return err
	}
	if _, err := f.WriteString(body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
