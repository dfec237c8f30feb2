package project

import (
	"io/fs"
	"syscall"
)

// StampOf reads the parts of a stat that change with a file's bytes; false
// when fi does not tell them all.
func StampOf(fi fs.FileInfo) (Stamp, bool) {
	if fi == nil {
		return Stamp{}, false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return Stamp{}, false
	}
	return Stamp{Size: fi.Size(), ModTime: fi.ModTime().UnixNano(), ChangeTime: st.Ctim.Nano(), Inode: st.Ino}, true
}
