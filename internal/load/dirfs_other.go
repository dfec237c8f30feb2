//go:build !linux

package load

import "os"

func readFile(name string) ([]byte, error) { return os.ReadFile(name) }
