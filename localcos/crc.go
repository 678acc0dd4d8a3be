package localcos

// crc64Combine returns the CRC-64/ECMA (Go's crc64.ECMA table, as COS uses)
// of A||B from crc(A), crc(B) and len(B), without the bytes: zlib's
// crc32_combine, widened to 64 bits. Complete uses it to know the whole
// object's CRC before assembling it, so the header can go out early.
func crc64Combine(crc1, crc2 uint64, len2 int64) uint64 {
	if len2 <= 0 {
		return crc1
	}
	var even, odd [64]uint64
	odd[0] = 0xC96C5795D7870F42 // reflected ECMA-182 polynomial
	row := uint64(1)
	for n := 1; n < 64; n++ {
		odd[n] = row
		row <<= 1
	}
	gf2MatrixSquare(even[:], odd[:]) // two zero bits
	gf2MatrixSquare(odd[:], even[:]) // four zero bits
	for {
		gf2MatrixSquare(even[:], odd[:])
		if len2&1 != 0 {
			crc1 = gf2MatrixTimes(even[:], crc1)
		}
		len2 >>= 1
		if len2 == 0 {
			break
		}
		gf2MatrixSquare(odd[:], even[:])
		if len2&1 != 0 {
			crc1 = gf2MatrixTimes(odd[:], crc1)
		}
		len2 >>= 1
		if len2 == 0 {
			break
		}
	}
	return crc1 ^ crc2
}

func gf2MatrixTimes(mat []uint64, vec uint64) uint64 {
	var sum uint64
	for i := 0; vec != 0; i, vec = i+1, vec>>1 {
		if vec&1 != 0 {
			sum ^= mat[i]
		}
	}
	return sum
}

func gf2MatrixSquare(square, mat []uint64) {
	for n := range mat {
		square[n] = gf2MatrixTimes(mat, mat[n])
	}
}
