package uploader

import (
	"hash/crc64"
	"io"
)

// crcTable is COS's CRC64: ECMA-182 reflected (CRC-64/XZ), as Go computes it.
var crcTable = crc64.MakeTable(crc64.ECMA)

// crc64Combine returns the CRC64 of A||B from crcA, crcB and len(B), without
// the bytes: zlib's crc32_combine (GF(2) matrix squaring) for the 64-bit
// reflected ECMA polynomial. It lets the engine verify a whole multipart
// object from per-part CRCs, computed once while each part streamed.
func crc64Combine(crcA, crcB uint64, lenB int64) uint64 {
	if lenB <= 0 {
		return crcA
	}
	var even, odd [64]uint64
	odd[0] = 0xC96C5795D7870F42 // reflected polynomial: the operator for one zero bit
	row := uint64(1)
	for n := 1; n < 64; n++ {
		odd[n] = row
		row <<= 1
	}
	gf2Square(&even, &odd) // two zero bits
	gf2Square(&odd, &even) // four zero bits
	for {
		gf2Square(&even, &odd)
		if lenB&1 != 0 {
			crcA = gf2Times(&even, crcA)
		}
		lenB >>= 1
		if lenB == 0 {
			break
		}
		gf2Square(&odd, &even)
		if lenB&1 != 0 {
			crcA = gf2Times(&odd, crcA)
		}
		lenB >>= 1
		if lenB == 0 {
			break
		}
	}
	return crcA ^ crcB
}

func gf2Times(mat *[64]uint64, vec uint64) uint64 {
	var sum uint64
	for i := 0; vec != 0; i, vec = i+1, vec>>1 {
		if vec&1 != 0 {
			sum ^= mat[i]
		}
	}
	return sum
}

func gf2Square(square, mat *[64]uint64) {
	for n := range 64 {
		square[n] = gf2Times(mat, mat[n])
	}
}

// crcWriter accumulates a CRC64 of what is written to it.
type crcWriter struct{ sum uint64 }

func newCRC() *crcWriter { return &crcWriter{} }

func (c *crcWriter) Write(p []byte) (int, error) {
	c.sum = crc64.Update(c.sum, crcTable, p)
	return len(p), nil
}

// ReadFrom reads r to EOF into the CRC.
func (c *crcWriter) ReadFrom(r io.Reader) (int64, error) {
	buf := make([]byte, 256<<10)
	return io.CopyBuffer(struct{ io.Writer }{c}, r, buf)
}
