// Command floor measures the least a build of a content root can cost: parse
// and render every article body with the pipeline's goldmark configuration
// (internal/markdown), on all cores, and nothing else.
//
//	go run ./bench/floor ROOT
//
// It reads every .md file under ROOT/content first, strips the YAML front
// matter with a plain split, then times only the rendering, spread over
// runtime.GOMAXPROCS goroutines. It prints one line:
//
//	articles=N bytes=B html=H render_wall=S render_cpu=S
//
// bench/run.sh runs it under /usr/bin/time for the peak RSS.
package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/marketplace-program/marketplace/internal/markdown"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: floor ROOT")
		os.Exit(2)
	}
	bodies, err := readBodies(filepath.Join(os.Args[1], "content"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	total := 0
	for _, b := range bodies {
		total += len(b)
	}
	e := markdown.New()
	cpu0 := cpuTime()
	start := time.Now()
	var next, html atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(bodies) {
					return
				}
				res, err := e.Render(bodies[i], markdown.RenderOptions{})
				if err != nil {
					failed.Store(err)
					return
				}
				html.Add(int64(len(res.HTML)))
			}
		})
	}
	wg.Wait()
	wall := time.Since(start)
	cpu := cpuTime() - cpu0
	if err, ok := failed.Load().(error); ok {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	fmt.Printf("articles=%d bytes=%d html=%d render_wall=%.3f render_cpu=%.3f\n",
		len(bodies), total, html.Load(), wall.Seconds(), cpu.Seconds())
}

// readBodies returns the body of every article, front matter removed.
func readBodies(dir string) ([][]byte, error) {
	var out [][]byte
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out = append(out, body(b))
		return nil
	})
	return out, err
}

// body drops a leading "---" YAML block; anything else is kept whole.
func body(b []byte) []byte {
	if !bytes.HasPrefix(b, []byte("---\n")) {
		return b
	}
	if i := bytes.Index(b[4:], []byte("\n---\n")); i >= 0 {
		return b[4+i+5:]
	}
	return b
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
