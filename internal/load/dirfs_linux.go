package load

import (
	"io/fs"

	"golang.org/x/sys/unix"
)

// readFile is os.ReadFile in four system calls: open, fstat, read, close.
// A file larger than max (when max >= 0) is not read: errTooLarge comes
// back with its size.
func readFile(name string, max int64) ([]byte, int64, error) {
	fd, err := unix.Open(name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	for err == unix.EINTR {
		fd, err = unix.Open(name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	}
	if err != nil {
		return nil, -1, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, -1, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		return nil, -1, &fs.PathError{Op: "read", Path: name, Err: unix.EISDIR}
	}
	if max >= 0 && st.Size > max {
		return nil, st.Size, errTooLarge
	}
	// One more byte than the size, so a file that grew is noticed.
	data := make([]byte, 0, st.Size+1)
	for {
		n, err := unix.Read(fd, data[len(data):cap(data)])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, -1, &fs.PathError{Op: "read", Path: name, Err: err}
		}
		if n == 0 {
			return data, int64(len(data)), nil
		}
		data = data[:len(data)+n]
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
	}
}
