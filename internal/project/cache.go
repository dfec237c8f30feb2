package project

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"path/filepath"
	"time"

	"github.com/marketplace-program/marketplace/internal/diag"
	"github.com/marketplace-program/marketplace/internal/markdown"
	"github.com/marketplace-program/marketplace/internal/memo"
)

// Memo is what the cache keeps of one article: the part of its checking
// that depends on nothing but its path and bytes (and the program), which
// is also the costly part: parsing the body as Markdown.
type Memo struct {
	Schema diag.List
	Scan   markdown.Scan
}

// Cache holds Memos between runs. A nil *Cache caches nothing.
type Cache = memo.Table[Memo]

// cacheWork names what Memo holds; change it when Memo's meaning changes
// without a change of the binary's version (it always comes with one).
const cacheWork = "project.Memo/1"

// TrimCache removes from dir the article caches of roots that no run has
// used for maxAge, and temporary files a killed run left.
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
