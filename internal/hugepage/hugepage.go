// Package hugepage asks Linux to back the Go heap with transparent huge
// pages, for short-lived commands that build a large heap at once.
//
// On the virtual machines that run CI (and these benchmarks), the first
// touch of each 4 KiB page of fresh memory costs the host a fault of its
// own: a run of validate spent nearly half its time there. With
// transparent huge pages in their usual "madvise" mode, memory advised
// MADV_HUGEPAGE is faulted in 2 MiB at a time instead. The Go runtime no
// longer advises its heap itself (it did briefly, in Go 1.21.0), and gives
// no setting for it.
//
// Prefer has the runtime map a stretch of heap, advises it, and gives it
// back: the mapping, and the advice with it, stays with the process, and
// the runtime fills the lowest free pages first, so the heap the command
// then builds lands there. If a future runtime places memory otherwise,
// the advice is simply unused.
package hugepage
