package serve

import (
	"os"
	"testing"

	"github.com/marketplace-program/marketplace/internal/gen"
)

func TestZZGen(t *testing.T) {
	if err := gen.Write(os.Getenv("ZZROOT"), gen.Options{Partners: 500, Articles: 10000, Seed: 1}); err != nil {
		t.Fatal(err)
	}
}
