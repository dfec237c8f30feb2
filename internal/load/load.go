// Package load reads a content root into memory: program.yaml, the partner
// folders and the Markdown articles with their front matter. It parses, and
// reports only what keeps it from parsing (syntax, encoding, unreadable or
// oversized files, symlinks); whether the content is right is for the
// validate stage to judge.
//
// Every YAML or front-matter value comes back as a *yaml.Node whose Line and
// Column are absolute positions in its file, whatever the format it was
// written in, so later stages report problems where the author typed them.
//
// # Byte-order marks
//
// A leading UTF-8 BOM is dropped before a file becomes a diag.Source: editors
// do not show it as a column, so line 1 must not count it. Source.Data and
// every offset in this package are therefore relative to the text after the
// BOM. ParseFrontMatter, which callers may hand raw bytes, accepts a BOM in
// Source.Data too and discounts it from line-1 columns itself.
//
// # Rule ids
//
//	load.read                 a file or folder cannot be read
//	load.too-large            a file exceeds Options.MaxFileSize (not read)
//	load.binary               a NUL byte
//	load.encoding             a byte that is not UTF-8
//	load.symlink              (warning) a link inside the root, not followed
//	load.symlink-escape       a link pointing outside the root, not followed
//	load.partner-id           a partners/ folder name that is not a valid id
//	yaml.syntax               yaml.v3 rejected the text
//	yaml.not-mapping          the top level is not key: value pairs
//	yaml.multiple-documents   a second "---" document
//	yaml.duplicate-key        a key repeated in one mapping
//	yaml.alias                an alias (*name)
//	json.syntax, json.not-object, json.duplicate-key       JSON front matter
//	legacy.syntax, legacy.duplicate-key                     {{{ }}} headers
//	toml.syntax               TOML front matter, duplicate keys included
//	frontmatter.unterminated  an opening delimiter without its closing one
package load

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/marketplace-program/marketplace/internal/diag"
	"go.yaml.in/yaml/v3"
)

// DefaultMaxFileSize is the size limit used when Options.MaxFileSize is 0.
const DefaultMaxFileSize = 10 << 20

// Options tunes Load.
type Options struct {
	MaxFileSize int64 // files larger than this are reported, not read; 0 means DefaultMaxFileSize

	// Known, when set, is asked about each file once it is read, before
	// it is parsed. ok means the caller already holds what parsing exactly
	// these bytes at this path gave in an earlier run (project's article
	// cache does): the file is then not parsed, k.Diags stand for load's
	// diagnostics of it, and its Doc or Article is marked Known, with no
	// tree. Parsing YAML is most of what loading costs. fi is what Stat
	// said of the file before it was read, when Unchanged asked for it.
	Known func(path string, fi fs.FileInfo, data []byte) (k Known, ok bool)

	// Unchanged, when set, is asked about each file before it is read,
	// with what fs.Stat says of it. ok means the caller knows the file is
	// as it was when it was last read (same size, times and inode) and
	// holds what loading it gave, as for Known: the file is then not even
	// read. Its Source has no Data and its Doc or Article is marked Unread;
	// the caller reads it if it ever needs the text.
	Unchanged func(path string, fi fs.FileInfo) (k Known, ok bool)
}

// Known is what a caller remembers of loading one file.
type Known struct {
	Diags diag.List // load's diagnostics of the file
	// Where an article's front matter and body lie; see Article.
	Format                string
	MetaStart, BodyOffset int
	// Excerpt holds the lines the caller's diagnostics of the file point
	// at; the Source of a file left unread has them (diag.NewExcerpt).
	Excerpt map[int]string
}

// Repo is everything read from a content root.
type Repo struct {
	Program  *Doc                    // program.yaml at the root, or nil when the root has none
	Partners []*PartnerDir           // sorted by ID
	Articles []*Article              // sorted by Path
	Assets   []*Asset                // files under content/ that are not .md, sorted by Path
	Sources  map[string]*diag.Source // every file read, by path, for error printers
}

// Doc is one YAML file.
type Doc struct {
	Source *diag.Source
	Root   *yaml.Node // the top mapping node; nil if empty, unparseable or unreadable
	Known  bool       // not parsed: the caller knew these bytes (Options.Known), so Root is nil
	Unread bool       // not even read (Options.Unchanged): Source has no Data
}

// PartnerDir is one folder partners/<id>/.
type PartnerDir struct {
	ID, Dir         string
	Partner, Ledger *Doc     // nil when the file is absent
	Files           []string // other file names in the folder (logos...), sorted
}

// Article is one Markdown file under content/.
type Article struct {
	Path       string // slash path from the root, e.g. "content/acme/public/setup.md"
	Source     *diag.Source
	Format     string     // "yaml", "toml", "json", "legacy" or "" (no front matter)
	Meta       *yaml.Node // mapping node of the front matter, absolute positions; nil when none or broken
	Known      bool       // front matter not parsed (Options.Known): Meta is nil, Format and offsets are known
	Unread     bool       // not read (Options.Unchanged): Source has no Data and Body is nil
	MetaStart  int        // byte offset of the front matter's opening delimiter
	BodyOffset int        // byte offset in Source.Data where the Markdown body starts
	Body       []byte     // Source.Data[BodyOffset:]

	Partner, Audience string // from content/<partner>/<public|internal>/...; "" otherwise
	Section           string // first folder under content/ for program-wide articles
}

// Asset is a non-Markdown file under content/. It is not read, nor even
// stat'ed: a root can hold tens of thousands.
type Asset struct {
	Path string
}

// Load reads a content root. It never panics; problems go to the returned
// list, sorted. fsys must allow concurrent reads (os.DirFS and fstest.MapFS
// do): files are read and parsed by a pool of GOMAXPROCS workers, and the
// results are put in order afterwards, so the output does not depend on
// scheduling.
func Load(fsys fs.FS, opts Options) (*Repo, diag.List) {
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	w := &walker{fsys: fsys, opts: opts}
	wait := w.start()
	w.scanRoot()
	wait()
	repo := w.assemble()
	w.diags.Sort()
	return repo, w.diags
}

type jobKind int

const (
	kindProgram jobKind = iota
	kindPartner
	kindLedger
	kindArticle
)

// job is one file to read and parse; a worker fills in the result fields.
type job struct {
	path    string
	size    int64
	kind    jobKind
	partner *PartnerDir

	src    *diag.Source
	root   *yaml.Node
	fm     FrontMatter
	read   bool
	known  bool
	unread bool
	diags  diag.List
}

type walker struct {
	fsys  fs.FS
	opts  Options
	jobs  []*job
	feed  chan<- *job // set between start and its wait: addFile hands jobs to the workers
	dirs  []*PartnerDir
	assts []*Asset
	diags diag.List
}

func (w *walker) scanRoot() {
	entries, err := fs.ReadDir(w.fsys, ".")
	if err != nil {
		w.diags.Errorf(diag.Pos{File: "."}, "load.read", "", "cannot read the content root: %v", err)
		return
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case name == "program.yaml" && w.regular(name, e):
			w.addFile(name, e, kindProgram, nil)
		case name == "partners" && w.dir(name, e):
			w.scanPartners()
		case name == "content" && w.dir(name, e):
			w.scanContent()
		}
	}
}

// regular reports whether e is a plain file, reporting a symlink in its place.
func (w *walker) regular(p string, e fs.DirEntry) bool {
	if e.Type()&fs.ModeSymlink != 0 {
		w.symlink(p)
		return false
	}
	return e.Type().IsRegular()
}

func (w *walker) dir(p string, e fs.DirEntry) bool {
	if e.Type()&fs.ModeSymlink != 0 {
		w.symlink(p)
		return false
	}
	return e.IsDir()
}

// symlink reports a link that Load does not follow. One pointing outside the
// root is an error: following it would publish files the root does not own.
// One pointing inside is only a warning, since its target is read anyway
// under its own name. Without fs.ReadLinkFS the target is unknown.
func (w *walker) symlink(p string) {
	rl, ok := w.fsys.(fs.ReadLinkFS)
	if !ok {
		w.diags.Warnf(diag.Pos{File: p}, "load.symlink", "replace the link with the file itself",
			"symbolic link not followed")
		return
	}
	target, err := rl.ReadLink(p)
	if err != nil {
		w.diags.Errorf(diag.Pos{File: p}, "load.read", "", "cannot read symbolic link: %v", err)
		return
	}
	if escapes(p, target) {
		w.diags.Errorf(diag.Pos{File: p}, "load.symlink-escape", "replace the link with a copy of the file inside the root",
			"symbolic link points outside the content root (%s)", target)
		return
	}
	w.diags.Warnf(diag.Pos{File: p}, "load.symlink", "replace the link with the file itself",
		"symbolic link to %s not followed", target)
}

// escapes reports whether a link at p with the given target leaves the
// root. Absolute targets count as leaving: an fs.FS cannot tell where its
// root is on disk.
func escapes(p, target string) bool {
	target = strings.ReplaceAll(target, `\`, "/")
	if path.IsAbs(target) || (len(target) >= 2 && target[1] == ':') {
		return true
	}
	j := path.Join(path.Dir(p), target)
	return j == ".." || strings.HasPrefix(j, "../")
}

func (w *walker) addFile(p string, e fs.DirEntry, kind jobKind, pd *PartnerDir) *job {
	// The size is looked up by the worker that reads the file: on the
	// walk, one stat per file made the only serial part of loading the
	// longest.
	j := &job{path: p, kind: kind, partner: pd, size: -1}
	w.jobs = append(w.jobs, j)
	if w.feed != nil {
		w.feed <- j
	}
	return j
}

func (w *walker) scanPartners() {
	entries, err := fs.ReadDir(w.fsys, "partners")
	if err != nil {
		w.diags.Errorf(diag.Pos{File: "partners"}, "load.read", "", "cannot read folder: %v", err)
		return
	}
	for _, e := range entries {
		w.scanPartner(e)
	}
}

// scanPartner reads one entry of partners/ (Update rescans one at a time).
func (w *walker) scanPartner(e fs.DirEntry) {
	name := e.Name()
	dir := "partners/" + name
	if strings.HasPrefix(name, ".") || !w.dir(dir, e) {
		return
	}
	if !validPartnerID(name) {
		w.diags.Errorf(diag.Pos{File: dir}, "load.partner-id",
			"use lower-case letters, digits and hyphens, starting with a letter or digit, e.g. acme-cloud",
			"partner folder name %q is not a valid partner id", name)
	}
	pd := &PartnerDir{ID: name, Dir: dir}
	w.dirs = append(w.dirs, pd)
	files, err := fs.ReadDir(w.fsys, dir)
	if err != nil {
		w.diags.Errorf(diag.Pos{File: dir}, "load.read", "", "cannot read folder: %v", err)
		return
	}
	for _, f := range files {
		fn := f.Name()
		fp := dir + "/" + fn
		if strings.HasPrefix(fn, ".") || !w.regular(fp, f) {
			continue
		}
		switch fn {
		case "partner.yaml":
			w.addFile(fp, f, kindPartner, pd)
		case "ledger.yaml":
			w.addFile(fp, f, kindLedger, pd)
		default:
			pd.Files = append(pd.Files, fn)
		}
	}
}

// validPartnerID matches ^[a-z0-9][a-z0-9-]*$.
func validPartnerID(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' && i > 0) {
			return false
		}
	}
	return s != ""
}

func (w *walker) scanContent() {
	err := fs.WalkDir(w.fsys, "content", w.visitContent)
	if err != nil {
		w.diags.Errorf(diag.Pos{File: "content"}, "load.read", "", "cannot read: %v", err)
	}
}

// visitContent is the fs.WalkDirFunc of content/ (Update walks subtrees
// of it with the same function).
func (w *walker) visitContent(p string, e fs.DirEntry, err error) error {
	if err != nil {
		w.diags.Errorf(diag.Pos{File: p}, "load.read", "", "cannot read: %v", err)
		if e != nil && e.IsDir() {
			return fs.SkipDir
		}
		return nil
	}
	if p == "content" {
		return nil
	}
	if strings.HasPrefix(e.Name(), ".") {
		if e.IsDir() {
			return fs.SkipDir
		}
		return nil
	}
	if e.IsDir() {
		return nil
	}
	if !w.regular(p, e) {
		return nil
	}
	if strings.HasSuffix(p, ".md") {
		w.addFile(p, e, kindArticle, nil)
		return nil
	}
	w.assts = append(w.assts, &Asset{Path: p})
	return nil
}

// start puts a pool of workers to reading and parsing the jobs addFile
// makes from now until wait returns, so that reading overlaps the walk:
// on a large root the walk alone was a third of loading it.
func (w *walker) start() (wait func()) {
	// Room for every file of a large root: workers may wait on the
	// caller (Options.Known waits for its cache to be read), and the walk
	// must not wait on them.
	feed := make(chan *job, 1<<16)
	w.feed = feed
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			br := newAdrgReader()
			for j := range feed {
				w.do(j, br)
			}
		})
	}
	return func() {
		close(feed)
		wg.Wait()
		w.feed = nil
	}
}

// run reads and parses every job on a bounded pool of workers.
func (w *walker) run() {
	n := min(runtime.GOMAXPROCS(0), len(w.jobs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			br := newAdrgReader()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(w.jobs) {
					return
				}
				w.do(w.jobs[i], br)
			}
		})
	}
	wg.Wait()
}

var bom = []byte("\ufeff")

// ReadText reads a file as Load would have: without its byte-order mark,
// so that offsets into it are offsets into Source.Data. It is for files
// Load left unread (Options.Unchanged).
func ReadText(fsys fs.FS, name string) ([]byte, error) {
	data, err := fs.ReadFile(fsys, name)
	return bytes.TrimPrefix(data, bom), err
}

func (w *walker) do(j *job, br *bufio.Reader) {
	var fi fs.FileInfo
	if w.opts.Unchanged != nil {
		if info, err := fs.Stat(w.fsys, j.path); err == nil && info.Mode().IsRegular() && info.Size() <= w.opts.MaxFileSize {
			fi = info
			if k, ok := w.opts.Unchanged(j.path, fi); ok {
				j.read, j.known, j.unread = true, true, true
				j.src = diag.NewExcerpt(j.path, k.Excerpt)
				j.diags = slices.Clone(k.Diags)
				j.fm = FrontMatter{Format: k.Format, MetaStart: k.MetaStart, BodyOffset: k.BodyOffset}
				return
			}
		}
	}
	data, err := w.readFile(j)
	if errors.Is(err, errTooLarge) && j.size > w.opts.MaxFileSize {
		j.src = diag.NewSource(j.path, nil)
		j.diags.Errorf(diag.Pos{File: j.path}, "load.too-large", "keep files under the size limit; move large assets out of the repository",
			"file is %d bytes, more than the limit of %d", j.size, w.opts.MaxFileSize)
		return
	}
	if err != nil {
		j.src = diag.NewSource(j.path, nil)
		if errors.Is(err, errTooLarge) {
			j.diags.Errorf(diag.Pos{File: j.path}, "load.too-large", "", "file grew past the size limit of %d bytes while being read", w.opts.MaxFileSize)
		} else {
			j.diags.Errorf(diag.Pos{File: j.path}, "load.read", "", "cannot read file: %v", err)
		}
		return
	}
	j.read = true
	j.src = diag.NewSource(j.path, bytes.TrimPrefix(data, bom))
	if w.opts.Known != nil {
		if k, ok := w.opts.Known(j.path, fi, j.src.Data); ok {
			j.known = true
			j.diags = slices.Clone(k.Diags)
			j.fm = FrontMatter{Format: k.Format, MetaStart: k.MetaStart, BodyOffset: min(k.BodyOffset, len(j.src.Data))}
			return
		}
	}
	bad := checkBytes(j.src, &j.diags)
	if j.kind == kindArticle {
		fm, d := parseFrontMatter(j.src, br)
		if bad >= 0 && bad < fm.BodyOffset {
			// The byte error already explains why the header cannot be
			// trusted; a second, derived syntax error would only be noise.
			fm.Meta, d = nil, nil
		}
		j.fm = fm
		j.diags.Append(d)
		return
	}
	if bad >= 0 {
		return
	}
	j.root, _ = parseYAMLFile(j.src, &j.diags)
}

var errTooLarge = errors.New("too large")

// readFile reads j's file unless it is over the size limit, setting j.size
// when the size is known.
func (w *walker) readFile(j *job) ([]byte, error) {
	if d, ok := w.fsys.(dirFS); ok {
		data, size, err := d.readFileMax(j.path, w.opts.MaxFileSize)
		j.size = size
		if err == nil && size > w.opts.MaxFileSize {
			err = errTooLarge
		}
		return data, err
	}
	if info, err := fs.Stat(w.fsys, j.path); err == nil {
		j.size = info.Size()
		if j.size > w.opts.MaxFileSize {
			return nil, errTooLarge
		}
	}
	data, err := fs.ReadFile(w.fsys, j.path)
	if err == nil && int64(len(data)) > w.opts.MaxFileSize {
		err = errTooLarge
	}
	return data, err
}

// checkBytes reports a NUL byte (load.binary) or else the first byte that
// is not UTF-8 (load.encoding), one error per file, and returns the offset
// of the first bad byte or -1.
func checkBytes(src *diag.Source, l *diag.List) int {
	data := src.Data
	nul, inv := bytes.IndexByte(data, 0), firstInvalid(data)
	switch {
	case nul >= 0:
		l.Add(diag.Diagnostic{Pos: src.Pos(nul), Severity: diag.Error, Rule: "load.binary",
			Msg:  "file contains a NUL byte; it looks like a binary file",
			Hint: "YAML and Markdown files must be plain text"})
	case inv >= 0:
		l.Add(diag.Diagnostic{Pos: src.Pos(inv), Severity: diag.Error, Rule: "load.encoding",
			Msg:  "file is not valid UTF-8 (byte 0x" + hexByte(data[inv]) + ")",
			Hint: "save the file as UTF-8"})
	}
	if nul >= 0 && (inv < 0 || nul < inv) {
		return nul
	}
	return inv
}

// firstInvalid returns the offset of the first byte that is not part of a
// UTF-8 sequence, or -1.
func firstInvalid(data []byte) int {
	if utf8.Valid(data) {
		return -1
	}
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

func hexByte(b byte) string {
	const digits = "0123456789ABCDEF"
	return string([]byte{digits[b>>4], digits[b&15]})
}

func (w *walker) assemble() *Repo {
	repo := &Repo{Partners: w.dirs, Assets: w.assts, Sources: make(map[string]*diag.Source, len(w.jobs))}
	for _, j := range w.jobs {
		w.diags.Append(j.diags)
		if j.read {
			repo.Sources[j.path] = j.src
		}
		switch j.kind {
		case kindProgram:
			repo.Program = &Doc{Source: j.src, Root: j.root, Known: j.known, Unread: j.unread}
		case kindPartner:
			j.partner.Partner = &Doc{Source: j.src, Root: j.root, Known: j.known, Unread: j.unread}
		case kindLedger:
			j.partner.Ledger = &Doc{Source: j.src, Root: j.root, Known: j.known, Unread: j.unread}
		case kindArticle:
			repo.Articles = append(repo.Articles, newArticle(j))
		}
	}
	slices.SortFunc(repo.Partners, func(a, b *PartnerDir) int { return strings.Compare(a.ID, b.ID) })
	for _, p := range repo.Partners {
		slices.Sort(p.Files)
	}
	slices.SortFunc(repo.Articles, func(a, b *Article) int { return strings.Compare(a.Path, b.Path) })
	slices.SortFunc(repo.Assets, func(a, b *Asset) int { return strings.Compare(a.Path, b.Path) })
	return repo
}

func newArticle(j *job) *Article {
	a := &Article{
		Path:       j.path,
		Source:     j.src,
		Format:     j.fm.Format,
		Meta:       j.fm.Meta,
		MetaStart:  j.fm.MetaStart,
		BodyOffset: j.fm.BodyOffset,
		Known:      j.known,
		Unread:     j.unread,
	}
	if !j.unread {
		a.Body = j.src.Data[min(a.BodyOffset, len(j.src.Data)):]
	}
	a.Partner, a.Audience, a.Section = classify(j.path)
	return a
}

// classify reads the owner of an article from its path:
// content/<partner>/<public|internal>/... belongs to a partner, anything
// else deeper than content/ to the program-wide section named by its first
// folder.
func classify(p string) (partner, audience, section string) {
	segs := strings.Split(p, "/")
	if len(segs) < 3 || segs[0] != "content" {
		return "", "", ""
	}
	if len(segs) >= 4 && (segs[2] == "public" || segs[2] == "internal") {
		return segs[1], segs[2], ""
	}
	return "", "", segs[1]
}
