package hugepage

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unsafe"
)

var once sync.Once

// TestPrefer: after Prefer, the heap the process goes on to fill lies in
// memory advised for huge pages, and Prefer itself did not touch the
// memory it reserved.
func TestPrefer(t *testing.T) {
	if _, err := os.Stat("/sys/kernel/mm/transparent_hugepage/enabled"); err != nil {
		t.Skip("no transparent huge pages:", err)
	}
	// Prefer is for once per process; go test -count=N runs this N times.
	once.Do(func() {
		before := rss(t)
		Prefer(256 << 20)
		if grew := rss(t) - before; grew > 64<<20 {
			t.Errorf("Prefer touched %d MiB of what it reserved", grew>>20)
		}
	})
	b := make([]byte, 32<<20)
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
	addr := uintptr(unsafe.Pointer(unsafe.SliceData(b))) + uintptr(len(b)/2)
	flags := vmFlags(t, addr)
	runtime.KeepAlive(b)
	if !strings.Contains(" "+flags+" ", " hg ") {
		t.Errorf("a 32 MiB allocation at %#x lies in a mapping with VmFlags %q; want hg (MADV_HUGEPAGE)", addr, flags)
	}
}

func rss(t *testing.T) int {
	t.Helper()
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skip(err)
	}
	f := strings.Fields(string(data))
	pages, _ := strconv.Atoi(f[1])
	return pages * os.Getpagesize()
}

// vmFlags returns the VmFlags line of the mapping that holds addr.
func vmFlags(t *testing.T, addr uintptr) string {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if lo, hi, ok := span(line); ok {
			in = lo <= addr && addr < hi
			continue
		}
		if in && strings.HasPrefix(line, "VmFlags:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmFlags:"))
		}
	}
	t.Fatalf("no mapping holds %#x", addr)
	return ""
}

// span reads the address range of a mapping's header line in smaps.
func span(line string) (lo, hi uintptr, ok bool) {
	r, _, _ := strings.Cut(line, " ")
	a, b, found := strings.Cut(r, "-")
	if !found {
		return 0, 0, false
	}
	l, err1 := strconv.ParseUint(a, 16, 64)
	h, err2 := strconv.ParseUint(b, 16, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return uintptr(l), uintptr(h), true
}
