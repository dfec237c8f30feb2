package search

import (
	"encoding/binary"
	"errors"
)

// MarshalBinary encodes the analysis, for caches that keep it between
// runs (an article's analysis costs more to compute than to read).
func (t *Analysis) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 16+len(t.buf)+2*len(t.lens)+5*(len(t.long)+len(t.many)))
	b = binary.AppendUvarint(b, uint64(t.length))
	b = binary.AppendUvarint(b, uint64(len(t.buf)))
	b = append(b, t.buf...)
	b = binary.AppendUvarint(b, uint64(len(t.lens)))
	b = append(b, t.lens...)
	b = append(b, t.counts...)
	for _, rest := range [][]int32{t.long, t.many} {
		b = binary.AppendUvarint(b, uint64(len(rest)))
		for _, n := range rest {
			b = binary.AppendUvarint(b, uint64(n))
		}
	}
	return b, nil
}

var errBadAnalysis = errors.New("search: malformed analysis")

// UnmarshalBinary decodes what MarshalBinary encoded. It checks every
// length against the others, so that an analysis it accepts cannot send
// each out of range: a cache file may be torn or corrupt.
func (t *Analysis) UnmarshalBinary(data []byte) error {
	d := decoder{b: data}
	length := d.size()
	buf := d.bytes(d.size())
	n := d.size()
	lens, counts := d.bytes(n), d.bytes(n)
	var rest [2][]int32
	for i := range rest {
		k := d.size()
		if k > len(d.b) { // each takes at least a byte
			return errBadAnalysis
		}
		rest[i] = make([]int32, k)
		for j := range rest[i] {
			v := d.size()
			if v < wide || v > 1<<31-1 {
				return errBadAnalysis
			}
			rest[i][j] = int32(v)
		}
	}
	if d.bad || len(d.b) != 0 {
		return errBadAnalysis
	}
	total, li, mi := 0, 0, 0
	for i, l := range lens {
		switch {
		case l == 0:
			return errBadAnalysis
		case l != wide:
			total += int(l)
		case li == len(rest[0]):
			return errBadAnalysis
		default:
			total += int(rest[0][li])
			li++
		}
		if c := counts[i]; c == 0 {
			return errBadAnalysis
		} else if c == wide {
			if mi == len(rest[1]) {
				return errBadAnalysis
			}
			mi++
		}
		if total > len(buf) {
			return errBadAnalysis
		}
	}
	if total != len(buf) || li != len(rest[0]) || mi != len(rest[1]) {
		return errBadAnalysis
	}
	*t = Analysis{buf: buf, lens: lens, counts: counts, length: length}
	if len(rest[0]) > 0 {
		t.long = rest[0]
	}
	if len(rest[1]) > 0 {
		t.many = rest[1]
	}
	return nil
}

// decoder reads uvarints and byte strings, remembering the first failure.
type decoder struct {
	b   []byte
	bad bool
}

// size reads a uvarint that must fit an int.
func (d *decoder) size() int {
	v, n := binary.Uvarint(d.b)
	if n <= 0 || v > 1<<40 {
		d.bad, d.b = true, nil
		return 0
	}
	d.b = d.b[n:]
	return int(v)
}

// bytes returns a copy of the next n bytes: the caller's data is not ours
// to keep.
func (d *decoder) bytes(n int) []byte {
	if n > len(d.b) {
		d.bad, d.b = true, nil
		return nil
	}
	out := make([]byte, n)
	copy(out, d.b)
	d.b = d.b[n:]
	return out
}
