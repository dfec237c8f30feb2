package project

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/load"
	"github.com/marketplace-program/marketplace/internal/markdown"
	"github.com/marketplace-program/marketplace/internal/memo"
	"github.com/marketplace-program/marketplace/internal/model"
)

// Memo is what the cache keeps of one file: everything its checking
// produces that depends on nothing but its path and bytes (and the
// program): load's diagnostics, the decoded values and their diagnostics,
// and for an article the scan of its body. With it, a file is neither
// parsed as YAML nor as Markdown, which is nearly all the cost of checking
// a root, and with a StatMemo that vouches for it, not even read. Exactly one of Article, Partner and Ledger is set; or,
// in the entry kept under a file's path rather than its bytes, Stat.
type Memo struct {
	Load    diag.List
	Article *ArticleMemo
	Partner *PartnerMemo
	Ledger  *LedgerMemo
	Stat    *StatMemo
	// Excerpt holds the lines of the file that its diagnostics point at,
	// so they print with their line when the file is left unread.
	Excerpt map[int]string
}

// StatMemo is what stat said of a file when a run read it, and the key of
// the memo of the bytes it read. A file that stat still describes the same
// way (size, modification and change times to the nanosecond, inode) holds
// those bytes, as git's index assumes; a file written in the moment before
// it was read is not described at all (see recall.remember), since another
// write in the same clock tick would leave its times as they were.
type StatMemo struct {
	Stamp
	Content memo.Key
}

// Stamp is the part of a file's stat that changes whenever its bytes do.
type Stamp struct {
	Size, ModTime, ChangeTime int64 // times in nanoseconds since 1970
	Inode                     uint64
}

// ArticleMemo is an article as decodeArticle leaves it.
type ArticleMemo struct {
	Format                string
	MetaStart, BodyOffset int

	Title, Author, Summary, DateText string
	Date                             time.Time
	PartnerID, Audience              string
	Sticky, ContentIsHTML            bool
	Keywords                         []string
	PartnerAt                        diag.Pos
	Scan                             markdown.Scan
	Diags                            diag.List
}

// PartnerMemo is a partner.yaml as decodePartner leaves it.
type PartnerMemo struct {
	Info       *model.Partner // Source is nil: it is the run's own
	SchemaBad  []string
	UnknownKey bool
	Diags      diag.List
}

// LedgerMemo is a ledger.yaml as decoded, before its points are computed:
// they depend on the program and the date.
type LedgerMemo struct {
	Ledger *model.Ledger // nil when it had errors; Source is nil
	Diags  diag.List
	// Good holds each event's good: 1 for true, -1 for false, 0 when the
	// event has none. gob flattens Event.Good and would bring back
	// "good: false" as no value at all.
	Good []int8
}

// Cache holds Memos between runs. A nil *Cache caches nothing.
type Cache = memo.Table[Memo]

// cacheWork names what Memo holds; change it when Memo's meaning changes
// without a change of the binary's version (it always comes with one).
const cacheWork = "project.Memo/3"

// TrimCache removes from dir the caches of roots that no run has used for
// maxAge (their shard files, and single files of older versions), and
// temporary files a killed run left.
func TrimCache(dir string, maxAge time.Duration) error {
	return errors.Join(memo.Trim(dir, "articles-*.gob", maxAge), memo.Trim(dir, "articles-*.gob.*", maxAge))
}

// OpenCache opens the article cache of the content root root (an absolute
// path names it) inside dir, e.g. the user's cache directory.
func OpenCache(dir, root string) *Cache {
	sum := sha256.Sum256([]byte(root))
	name := "articles-" + hex.EncodeToString(sum[:8]) + ".gob"
	return memo.Open[Memo](filepath.Join(dir, name), memo.Salt(cacheWork))
}

// recall is the link between load and the cache during one Open: load asks
// it about every file it reads (load.Options.Known), and the decoders then
// take a known file's results from it, or store a new file's.
type recall struct {
	c *Cache
	// skip lets known files that stat says are unchanged go unread.
	skip bool
	// since is when the run began: a file changed after since-RacyWindow
	// gets no StatMemo.
	since time.Time

	mu   sync.Mutex
	keys map[string]memo.Key
	hits map[string]Memo

	// loadDiags holds load's diagnostics by file, for the memos of files
	// read for the first time; set once load is done.
	loadDiags map[string]diag.List
}

// RacyWindow is how long before a run a file must have been last changed
// for its stat to vouch for its bytes: far more than any file system's
// clock tick.
const RacyWindow = 2 * time.Second

func newRecall(c *Cache, skip bool, began time.Time) *recall {
	if began.IsZero() {
		began = time.Now()
	}
	return &recall{c: c, skip: skip, since: began, keys: map[string]memo.Key{}, hits: map[string]Memo{}}
}

func (r *recall) statKey(name string) memo.Key { return r.c.Key([]byte("stat"), []byte(name)) }

// unchanged is load.Options.Unchanged.
func (r *recall) unchanged(name string, fi fs.FileInfo) (load.Known, bool) {
	if name == "program.yaml" {
		return load.Known{}, false
	}
	st, ok := StampOf(fi)
	if !ok {
		return load.Known{}, false
	}
	// Looked up even when not skipping, so that Save keeps it.
	sm, ok := r.c.Get(r.statKey(name))
	if !ok || sm.Stat == nil || sm.Stat.Stamp != st || !r.skip {
		return load.Known{}, false
	}
	m, ok := r.c.Get(sm.Stat.Content)
	if !ok {
		return load.Known{}, false
	}
	r.mu.Lock()
	r.hits[name] = m
	r.keys[name] = sm.Stat.Content
	r.mu.Unlock()
	return knownOf(m), true
}

// known is load.Options.Known.
func (r *recall) known(name string, fi fs.FileInfo, data []byte) (load.Known, bool) {
	if name == "program.yaml" {
		// One file, decoded with the rules it defines: not worth a memo.
		return load.Known{}, false
	}
	k := r.c.Key([]byte(name), data)
	r.remember(name, fi, k)
	m, ok := r.c.Get(k)
	r.mu.Lock()
	r.keys[name] = k
	if ok {
		r.hits[name] = m
	}
	r.mu.Unlock()
	if !ok {
		return load.Known{}, false
	}
	return knownOf(m), true
}

// remember records that the file stat described as fi held the bytes of
// content key k, unless it changed too recently to tell.
func (r *recall) remember(name string, fi fs.FileInfo, k memo.Key) {
	st, ok := StampOf(fi)
	if !ok || st.ModTime >= r.since.Add(-RacyWindow).UnixNano() || st.ChangeTime >= r.since.Add(-RacyWindow).UnixNano() {
		return
	}
	sk := r.statKey(name)
	if old, ok := r.c.Get(sk); ok && old.Stat != nil && *old.Stat == (StatMemo{st, k}) {
		return
	}
	r.c.Put(sk, Memo{Stat: &StatMemo{st, k}})
}

func knownOf(m Memo) load.Known {
	lk := load.Known{Diags: m.Load, Excerpt: m.Excerpt}
	if a := m.Article; a != nil {
		lk.Format, lk.MetaStart, lk.BodyOffset = a.Format, a.MetaStart, a.BodyOffset
	}
	return lk
}

// loaded records load's diagnostics.
func (r *recall) loaded(l diag.List) {
	if r == nil {
		return
	}
	r.loadDiags = map[string]diag.List{}
	for _, d := range l {
		r.loadDiags[d.File] = append(r.loadDiags[d.File], d)
	}
}

// key returns the content key of a file load read or knew, or zero.
func (r *recall) key(name string) memo.Key {
	if r == nil {
		return memo.Key{}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.keys[name]
}

// get returns the memo of a file load marked Known.
func (r *recall) get(name string) Memo {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.hits[name]
}

// put stores the memo of the file src, read for the first time; m.Load and
// m.Excerpt are filled in here, diags being what the decoder found. Files
// load did not read have no key and are not stored.
func (r *recall) put(src *diag.Source, m Memo, diags diag.List) {
	if r == nil {
		return
	}
	r.mu.Lock()
	k, ok := r.keys[src.Name]
	r.mu.Unlock()
	if !ok {
		return
	}
	m.Load = r.loadDiags[src.Name]
	var lines []int
	for _, l := range []diag.List{m.Load, diags} {
		for _, d := range l {
			if d.File == src.Name && d.Line > 0 {
				lines = append(lines, d.Line)
			}
		}
	}
	if len(lines) > 0 {
		m.Excerpt = src.Excerpt(lines)
	}
	r.c.Put(k, m)
}

func (pa *Partner) memo(d diag.List) *PartnerMemo {
	m := &PartnerMemo{SchemaBad: slices.Sorted(maps.Keys(pa.schemaBad)), UnknownKey: pa.unknownKey, Diags: d}
	if pa.Info != nil {
		info := *pa.Info
		info.Source = nil
		info.Pos = maps.Clone(info.Pos)
		setFile(info.Pos, "")
		m.Info = &info
	}
	return m
}

func (pa *Partner) recall(m *PartnerMemo, src *diag.Source) diag.List {
	if m.Info != nil {
		info := *m.Info
		info.Source = src
		setFile(info.Pos, src.Name)
		pa.Info = &info
	}
	pa.schemaBad = make(map[string]bool, len(m.SchemaBad))
	for _, p := range m.SchemaBad {
		pa.schemaBad[p] = true
	}
	pa.unknownKey = m.UnknownKey
	return slices.Clone(m.Diags)
}

func ledgerMemo(l *model.Ledger, d diag.List) *LedgerMemo {
	m := &LedgerMemo{Diags: d}
	if l != nil {
		m.Ledger = relocated(l, "", true)
		m.Ledger.Source = nil
		m.Good = make([]int8, len(l.Events))
		for i, e := range l.Events {
			switch {
			case e.Good == nil:
			case *e.Good:
				m.Good[i] = 1
			default:
				m.Good[i] = -1
			}
		}
	}
	return m
}

// ledger returns the memo's ledger as read from src.
func (m *LedgerMemo) ledger(src *diag.Source) *model.Ledger {
	l := relocated(m.Ledger, src.Name, false)
	l.Source = src
	for i := range l.Events {
		if i < len(m.Good) && m.Good[i] != 0 {
			good := m.Good[i] > 0
			l.Events[i].Good = &good
		}
	}
	return l
}

// Every position of a decoded file names the file. A memo keeps them
// without the name, which would be most of its bytes and of what decoding
// it allocates, and recall puts it back.

// setFile names file in every position of m, in place.
func setFile(m map[string]diag.Pos, file string) {
	for k, p := range m {
		p.File = file
		m[k] = p
	}
}

// relocated returns a copy of l whose positions name file. Its maps of
// positions are copies too when own is set (l belongs to a project);
// without it they are l's, rewritten in place (l was decoded from the
// memo in this run and is handed over: copying them made recall slower
// than the decoding it saves).
func relocated(l *model.Ledger, file string, own bool) *model.Ledger {
	fields := func(m map[string]diag.Pos) map[string]diag.Pos {
		if own {
			m = maps.Clone(m)
		}
		setFile(m, file)
		return m
	}
	c := *l
	c.Pos = fields(l.Pos)
	c.Events = slices.Clone(l.Events)
	for i := range c.Events {
		e := &c.Events[i]
		e.Pos.File = file
		e.Fields = fields(e.Fields)
	}
	c.Awards = slices.Clone(l.Awards)
	for i := range c.Awards {
		a := &c.Awards[i]
		a.Pos.File = file
		a.Fields = fields(a.Fields)
		if a.Revoked != nil {
			r := *a.Revoked
			r.Pos.File = file
			a.Revoked = &r
		}
	}
	return &c
}

func (a *Article) memo(d diag.List) *ArticleMemo {
	return &ArticleMemo{
		Format: a.Format, MetaStart: a.MetaStart, BodyOffset: a.BodyOffset,
		Title: a.Title, Author: a.Author, Summary: a.Summary, DateText: a.DateText, Date: a.Date,
		PartnerID: a.PartnerID, Audience: a.Audience, Sticky: a.Sticky, ContentIsHTML: a.ContentIsHTML,
		Keywords: a.Keywords, PartnerAt: a.partnerAt, Scan: a.Scan, Diags: d,
	}
}

func (a *Article) recall(m *ArticleMemo) diag.List {
	a.Title, a.Author, a.Summary, a.DateText, a.Date = m.Title, m.Author, m.Summary, m.DateText, m.Date
	a.PartnerID, a.Audience, a.Sticky, a.ContentIsHTML = m.PartnerID, m.Audience, m.Sticky, m.ContentIsHTML
	a.Keywords, a.partnerAt, a.Scan = m.Keywords, m.PartnerAt, m.Scan
	return slices.Clone(m.Diags)
}
