package hugepage

import (
	"runtime"
	"runtime/debug"
	"unsafe"

	"golang.org/x/sys/unix"
)

// chunk is the size of each allocation Prefer makes. The runtime zeroes a
// large allocation, touching all of it, when any of it reuses memory it
// freed before; allocating in chunks bounds that to the few chunks that
// land on the little memory freed before main.
const chunk = 4 << 20

const hugeSize = 2 << 20

// Prefer advises huge pages for about size bytes of heap, the part the
// process fills first. It costs a garbage collection of a heap that is
// still small, and nothing when transparent huge pages are off. It is for
// the start of a process, once: called again, its chunks would reuse
// memory that the runtime must zero first, touching it all.
func Prefer(size int) {
	// The chunks would set off a collection every time the heap doubles
	// while they are allocated; one at the end is enough.
	gc := debug.SetGCPercent(-1)
	lo, hi := reserve(size)
	debug.SetGCPercent(gc)
	runtime.GC() // the chunks are garbage: their pages go back to the heap
	// Whole huge pages, the edges included: the memory next to the
	// chunks is heap too, and advice on memory in use is harmless.
	start := lo &^ (hugeSize - 1)
	end := (hi + hugeSize - 1) &^ (hugeSize - 1)
	if lo == 0 {
		return
	}
	// Holes between the runtime's mappings make madvise report ENOMEM,
	// after advising the mapped parts, which is all that is wanted.
	// The range is addresses, not Go memory: the chunks are gone.
	unix.Syscall(unix.SYS_MADVISE, start, end-start, unix.MADV_HUGEPAGE)
}

// reserve allocates size bytes in chunks and returns the span of
// addresses they cover.
func reserve(size int) (lo, hi uintptr) {
	chunks := make([][]byte, 0, size/chunk)
	for range size / chunk {
		b := make([]byte, chunk)
		chunks = append(chunks, b)
		p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
		if lo == 0 || p < lo {
			lo = p
		}
		hi = max(hi, p+chunk)
	}
	runtime.KeepAlive(chunks)
	return lo, hi
}
