package site_test

import (
	"bytes"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/marketplace-program/marketplace/internal/publish"
)

// TestAssetsLinkedBetweenSites builds both sites into sinks like the
// build command's writers. The public site must link the images the
// internal site copied, except one changed just before the build, which
// stat cannot vouch for: that one is read again. Both sites must hold the
// bytes of a build without linking.
func TestAssetsLinkedBetweenSites(t *testing.T) {
	root := exampleRoot(t)
	for _, n := range []string{"one", "two", "racy"} {
		write(t, root, "content/kestrel-backup/public/images/"+n+".png", "PNG "+n)
	}
	write(t, root, "content/kestrel-backup/public/pictures.md", "---\ntitle: Pictures\ndate: \"2026-01-12\"\n"+
		"author: Kestrel Docs\n---\n\n![one](images/one.png) ![two](images/two.png) ![racy](images/racy.png)\n")
	// Stat vouches only for files unchanged for a while; then one changes.
	time.Sleep(2100 * time.Millisecond)
	write(t, root, "content/kestrel-backup/public/images/racy.png", "PNG racy")

	_, wantPub, wantIn := buildBoth(t, root)
	p, b := openWithBuilder(t, root)
	in := &mapSink{files: publish.Files{}}
	pub := &linkSink{mapSink: mapSink{files: publish.Files{}}, from: in}
	if err := b.BuildBothTo(p, pub, in); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		site      string
		got, want publish.Files
	}{{"public", pub.files, wantPub}, {"internal", in.files, wantIn}} {
		for _, name := range sortedKeys(c.want) {
			if !bytes.Equal(c.got[name], c.want[name]) {
				t.Errorf("%s site: %s differs from a build without linking", c.site, name)
			}
		}
		if len(c.got) != len(c.want) {
			t.Errorf("%s site: %d files, want %d", c.site, len(c.got), len(c.want))
		}
	}
	want := []string{"files/kestrel-backup/public/images/one.png", "files/kestrel-backup/public/images/two.png"}
	if !slices.Equal(slices.Sorted(slices.Values(pub.linked)), want) {
		t.Errorf("linked %v, want %v (not the file changed just before)", pub.linked, want)
	}
}

// linkSink is a public site's sink that links files from the internal
// site's (from), as publish.Writer.PutLinked does, and records which.
type linkSink struct {
	mapSink
	from   *mapSink
	linked []string
}

func (s *linkSink) PutLinked(name string, read func() ([]byte, error)) error {
	s.from.mu.Lock()
	data, ok := s.from.files[name]
	s.from.mu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !ok {
		return errors.New("linked a file the internal site does not have: " + name)
	}
	s.linked = append(s.linked, name)
	s.files[name] = data
	return nil
}
