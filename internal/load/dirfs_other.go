//go:build !linux

package load

import "os"

func readFile(name string, max int64) ([]byte, int64, error) {
	if max >= 0 {
		if fi, err := os.Stat(name); err == nil && fi.Size() > max {
			return nil, fi.Size(), errTooLarge
		}
	}
	data, err := os.ReadFile(name)
	return data, int64(len(data)), err
}
