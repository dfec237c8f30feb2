package site

import (
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/marketplace-program/marketplace"
)

// pageKinds are the page templates every site needs, one file each in
// templates/: <kind>.html defines "main" (and may define "head"), and is
// executed inside base.html's "base". Files whose names start with "_"
// hold shared partials.
var pageKinds = []string{"listing", "partner", "kb", "section", "article", "dashboard", "dashboard-partner", "notfound"}

// overlayFS serves a root's own templates/ file by file over the
// embedded ones.
type overlayFS struct{ top, bottom fs.FS }

func (o overlayFS) Open(name string) (fs.File, error) {
	if o.top != nil {
		if f, err := o.top.Open(name); err == nil {
			if st, err := f.Stat(); err == nil && !st.IsDir() {
				return f, nil
			}
			f.Close()
		}
	}
	return o.bottom.Open(name)
}

// ReadDir merges both directories so that files only the override has
// (say, an extra stylesheet) are published too.
func (o overlayFS) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(o.bottom, name)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if o.top != nil {
		more, err := fs.ReadDir(o.top, name)
		if err == nil {
			for _, e := range more {
				if !slices.ContainsFunc(entries, func(x fs.DirEntry) bool { return x.Name() == e.Name() }) {
					entries = append(entries, e)
				}
			}
		}
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, nil
}

func templateFS(override fs.FS) (fs.FS, error) {
	embedded, err := fs.Sub(marketplace.Defaults, "templates")
	if err != nil {
		return nil, err
	}
	return overlayFS{top: override, bottom: embedded}, nil
}

func parsePages(tfs fs.FS, funcs template.FuncMap) (map[string]*template.Template, error) {
	base := template.New("base").Funcs(funcs)
	entries, err := fs.ReadDir(tfs, ".")
	if err != nil {
		return nil, err
	}
	var partials []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "_") && path.Ext(e.Name()) == ".html" {
			partials = append(partials, e.Name())
		}
	}
	for _, name := range append([]string{"base.html"}, partials...) {
		if err := parseFile(base, tfs, name); err != nil {
			return nil, err
		}
	}
	pages := map[string]*template.Template{}
	for _, kind := range pageKinds {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if err := parseFile(t, tfs, kind+".html"); err != nil {
			return nil, err
		}
		pages[kind] = t
	}
	return pages, nil
}

func parseFile(t *template.Template, fsys fs.FS, name string) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("templates/%s: %w", name, err)
	}
	if _, err := t.New(name).Parse(string(data)); err != nil {
		return fmt.Errorf("templates/%s: %w", name, err)
	}
	return nil
}
