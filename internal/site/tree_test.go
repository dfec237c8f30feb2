package site

import (
	"fmt"
	"maps"
	"testing"

	"github.com/marketplace-program/marketplace/internal/publish"
)

// TestTree checks layered trees against plain maps through a series of
// puts and removals, across a fold of the layer into the base.
func TestTree(t *testing.T) {
	want := publish.Files{"a": []byte("1"), "b": []byte("2")}
	tree := NewTree(maps.Clone(want))
	var before []*Tree
	var snapshots []publish.Files
	for i := range 3000 {
		put := publish.Files{fmt.Sprintf("f%d", i): []byte("x"), "a": []byte(fmt.Sprint(i))}
		remove := map[string]bool{fmt.Sprintf("f%d", i-1): i%2 == 0, "b": true, "nothing": true}
		for k, v := range remove {
			if !v {
				delete(remove, k)
			}
		}
		before, snapshots = append(before, tree), append(snapshots, maps.Clone(want))
		tree = tree.with(put, remove)
		for name := range remove {
			delete(want, name)
		}
		maps.Copy(want, put)
		if tree.Len() != len(want) {
			t.Fatalf("step %d: Len %d, want %d", i, tree.Len(), len(want))
		}
	}
	if got := tree.Files(); !maps.EqualFunc(got, want, func(a, b []byte) bool { return string(a) == string(b) }) {
		t.Errorf("Files differ")
	}
	for name, data := range want {
		if got, ok := tree.Get(name); !ok || string(got) != string(data) {
			t.Errorf("Get(%q) = %q, %v", name, got, ok)
		}
	}
	if _, ok := tree.Get("b"); ok {
		t.Error("a removed file is still there")
	}
	// Earlier trees are untouched by later ones.
	for _, i := range []int{0, 1, 500, 2999} {
		if got := before[i].Files(); !maps.EqualFunc(got, snapshots[i], func(a, b []byte) bool { return string(a) == string(b) }) {
			t.Errorf("tree %d changed after later builds", i)
		}
	}
}
