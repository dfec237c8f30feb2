package watch

import (
	"io/fs"
	"time"
)

// poll is the polling source: a walk of the tree every interval, compared
// with the last by modification time, size and kind.
type poll struct {
	w    *Watcher
	last map[string]stamp
}

type stamp struct {
	mod  time.Time
	size int64
	dir  bool
}

func startPoll(w *Watcher) (*poll, error) {
	p := &poll{w: w}
	last, err := p.scan()
	if err != nil {
		return nil, err
	}
	p.last = last
	w.wg.Go(p.loop)
	return p, nil
}

func (p *poll) close() error { return nil }

func (p *poll) scan() (map[string]stamp, error) {
	m := map[string]stamp{}
	err := p.w.walkDirs(".", func(rel string) error {
		if rel != "." {
			m[rel] = stamp{dir: true}
		}
		return nil
	}, func(rel string, info fs.FileInfo) {
		m[rel] = stamp{mod: info.ModTime(), size: info.Size()}
	})
	return m, err
}

func (p *poll) loop() {
	t := time.NewTicker(p.w.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-p.w.done:
			return
		case <-t.C:
		}
		now, err := p.scan()
		if err != nil {
			p.w.report(err)
			continue
		}
		for rel, s := range now {
			if old, ok := p.last[rel]; !ok || old != s {
				p.w.changed(rel)
			}
		}
		for rel := range p.last {
			if _, ok := now[rel]; !ok {
				p.w.changed(rel)
			}
		}
		p.last = now
	}
}
