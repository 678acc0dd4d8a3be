package uploader

import "time"

var nowForTest = time.Unix(1700000000, 0)
