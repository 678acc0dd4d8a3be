package localcos

import "strings"

// getBucket answers GET Bucket (list objects) with prefix, delimiter,
// marker, max-keys and encoding-type=url.
func (s *Server) getBucket(q *request) error {
	maxKeys, aerr := intParam(q, "max-keys", 1000, 0, 1000)
	if aerr != nil {
		return aerr
	}
	prefix, delim, marker := q.param("prefix"), q.param("delimiter"), q.param("marker")
	enc := q.param("encoding-type") == "url"
	res := listBucketResult{Name: q.bucket, Prefix: encodeKey(prefix, enc), Marker: encodeKey(marker, enc),
		MaxKeys: maxKeys, Delimiter: encodeKey(delim, enc)}
	if enc {
		res.EncodingType = "url"
	}
	seen := map[string]bool{}
	count := 0
	last := ""
	for _, m := range s.store.list(prefix) {
		if m.Key <= marker {
			continue
		}
		entry := m.Key
		isPrefix := false
		if delim != "" {
			if i := strings.Index(m.Key[len(prefix):], delim); i >= 0 {
				entry, isPrefix = m.Key[:len(prefix)+i+len(delim)], true
				if seen[entry] || entry <= marker {
					continue
				}
			}
		}
		if count == maxKeys {
			res.IsTruncated = true
			break
		}
		count++
		last = entry
		if isPrefix {
			seen[entry] = true
			res.CommonPrefixes = append(res.CommonPrefixes, xmlPrefix{encodeKey(entry, enc)})
			continue
		}
		res.Contents = append(res.Contents, xmlContents{Key: encodeKey(m.Key, enc), LastModified: isoTime(m.LastModified),
			ETag: m.ETag, Size: m.Size, Owner: bucketOwner(q.bucket), StorageClass: storageClass(m.StorageClass)})
	}
	if res.IsTruncated {
		res.NextMarker = encodeKey(last, enc)
	}
	return q.writeXML(res)
}
