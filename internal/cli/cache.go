package cli

import (
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/marketplace-program/marketplace/internal/project"
	"github.com/marketplace-program/marketplace/internal/site"
)

// cacheEnv names the directory where commands keep what they learned about
// a root's articles between runs; "off" disables it. The default is
// marketplace/ in the user's cache directory ($XDG_CACHE_HOME or
// ~/.cache on Linux). Results never depend on it: an entry is keyed by the
// file's path and bytes and by the binary that wrote it.
const cacheEnv = "MARKETPLACE_CACHE"

// cacheDir returns the directory of the caches, or "" when caching is
// off or there is nowhere to keep them.
func cacheDir(env *Env) string {
	dir := env.Getenv(cacheEnv)
	if dir == "off" {
		return ""
	}
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(base, "marketplace")
	}
	return dir
}

// cacheAge is how long the tables of a root no run used are kept: one
// table per root, and roots come and go (clones, temporary checkouts).
const cacheAge = 30 * 24 * time.Hour

// rootCache returns the cache directory and root's absolute path, which
// names its tables; ok is false when caching is off or has no place.
func rootCache(env *Env, root string) (dir, abs string, ok bool) {
	dir = cacheDir(env)
	abs, err := filepath.Abs(root)
	return dir, abs, dir != "" && err == nil
}

// openCache returns the article cache for root, or nil when caching is
// off or there is nowhere to keep it.
func openCache(env *Env, root string) *project.Cache {
	dir, abs, ok := rootCache(env, root)
	if !ok {
		return nil
	}
	_ = project.TrimCache(dir, cacheAge)
	return project.OpenCache(dir, abs)
}

// openBodyCache returns the cache of rendered bodies for root, or nil when
// caching is off or there is nowhere to keep it.
func openBodyCache(env *Env, root string) *site.BodyCache {
	dir, abs, ok := rootCache(env, root)
	if !ok {
		return nil
	}
	_ = site.TrimBodyCache(dir, cacheAge)
	return site.OpenBodyCache(dir, abs)
}

// openCached opens the project of fsys with root's article cache, and
// saves the cache afterwards. A cache that cannot be written costs the next
// run time, not this one its result.
func openCached(env *Env, root string, fsys fs.FS, opts project.Options) (*project.Project, error) {
	opts.Cache = openCache(env, root)
	p, err := project.Open(fsys, opts)
	if err == nil {
		_ = opts.Cache.Save()
	}
	return p, err
}
