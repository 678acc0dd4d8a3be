package localcos

import (
	"hash/crc64"
	"testing"
)

// CRC64 vectors: COS's CRC64 is ECMA-182 as Go's crc64.ECMA table computes
// it (https://cloud.tencent.com/document/product/436/65433); "123456789" is the CRC-64/XZ check value.
func TestCRC64Vectors(t *testing.T) {
	tab := crc64.MakeTable(crc64.ECMA)
	a, b := []byte("123456789"), []byte("The quick brown fox jumps over the lazy dog")
	if got := crc64.Checksum(a, tab); got != 11051210869376104954 {
		t.Fatalf("crc(123456789) = %d", got)
	}
	if got := crc64.Checksum(b, tab); got != 6583902852472283588 {
		t.Fatalf("crc(fox) = %d", got)
	}
	if got := crc64Combine(11051210869376104954, 6583902852472283588, 43); got != 7651936112208920297 {
		t.Fatalf("combine = %d", got)
	}
	data := patterned(3<<20 + 5)
	parts := []uint64{16028127081582314172, 10691240363142403102, 1542437750362240545, 6474971898563832249}
	var combined uint64
	for i, want := range parts {
		p := data[i<<20 : min((i+1)<<20, len(data))]
		if got := crc64.Checksum(p, tab); got != want {
			t.Fatalf("part %d crc %d", i+1, got)
		}
		if i == 0 {
			combined = want
		} else {
			combined = crc64Combine(combined, want, int64(len(p)))
		}
	}
	if combined != 5146012454610688221 || crc64.Checksum(data, tab) != 5146012454610688221 {
		t.Fatalf("whole crc %d", combined)
	}
	if crc64Combine(42, 0, 0) != 42 {
		t.Fatal("combine with empty B must keep A")
	}
}
