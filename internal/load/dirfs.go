package load

import (
	"io/fs"
	"os"
	"path/filepath"
)

// DirFS is os.DirFS(dir) with a cheaper ReadFile. Loading a root reads
// every article, partner file and, for the sites, every asset: tens of
// thousands of files, where os.File's bookkeeping (poller registration,
// descriptor flag queries) cost more system calls than the reads.
func DirFS(dir string) fs.FS {
	return dirFS{FS: os.DirFS(dir), dir: dir}
}

type dirFS struct {
	fs.FS
	dir string
}

// ReadFile implements fs.ReadFileFS with os.DirFS's rules for names.
func (d dirFS) ReadFile(name string) ([]byte, error) {
	data, _, err := d.readFileMax(name, -1)
	return data, err
}

// readFileMax reads name unless it is larger than max bytes (max < 0: any
// size), returning its size either way: one lookup of the path where a
// Stat then a ReadFile make two.
func (d dirFS) readFileMax(name string, max int64) ([]byte, int64, error) {
	if !fs.ValidPath(name) || filepath.Separator != '/' && containsSeparator(name) {
		return nil, -1, &fs.PathError{Op: "readfile", Path: name, Err: fs.ErrInvalid}
	}
	data, size, err := readFile(filepath.Join(d.dir, filepath.FromSlash(name)), max)
	if e, ok := err.(*fs.PathError); ok {
		e.Path = name // as os.DirFS reports it: relative to the root
	}
	return data, size, err
}

// ReadDir and Stat keep os.DirFS's fast paths, and ReadLink and Lstat its
// symbolic-link methods, which embedding the fs.FS interface would hide.
// Without ReadLink, Load cannot tell a link out of the root from one
// inside it.
func (d dirFS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(d.FS, name) }
func (d dirFS) Stat(name string) (fs.FileInfo, error)      { return fs.Stat(d.FS, name) }
func (d dirFS) ReadLink(name string) (string, error)       { return fs.ReadLink(d.FS, name) }
func (d dirFS) Lstat(name string) (fs.FileInfo, error)     { return fs.Lstat(d.FS, name) }

func containsSeparator(name string) bool {
	for i := 0; i < len(name); i++ {
		if os.IsPathSeparator(name[i]) {
			return true
		}
	}
	return false
}
