//go:build !linux

package hugepage

// Prefer does nothing where there are no transparent huge pages to ask for.
func Prefer(size int) {}
