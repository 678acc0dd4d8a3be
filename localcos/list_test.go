package localcos

import (
	"strings"
	"testing"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

func TestGetBucketListing(t *testing.T) {
	s := startServer(t, nil)
	c := permClient(t, s)
	keys := []string{"a.txt", "dir/1", "dir/2", "dir/sub/3", "e f+g.txt", "z"}
	for _, k := range keys {
		if _, err := c.Object.Put(bg, k, strings.NewReader(k), nil); err != nil {
			t.Fatal(err)
		}
	}
	res, _, err := c.Bucket.Get(bg, &cos.BucketGetOptions{Delimiter: "/"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Contents) != 3 || len(res.CommonPrefixes) != 1 || res.CommonPrefixes[0] != "dir/" {
		t.Fatalf("delimiter listing: %+v", res)
	}
	res, _, err = c.Bucket.Get(bg, &cos.BucketGetOptions{Prefix: "dir/", Delimiter: "/"})
	if err != nil || len(res.Contents) != 2 || len(res.CommonPrefixes) != 1 || res.CommonPrefixes[0] != "dir/sub/" {
		t.Fatalf("prefix listing: %v %+v", err, res)
	}
	var all []string
	marker := ""
	for {
		res, _, err = c.Bucket.Get(bg, &cos.BucketGetOptions{MaxKeys: 2, Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range res.Contents {
			all = append(all, o.Key)
			if o.ETag == "" || o.Size != int64(len(o.Key)) {
				t.Fatalf("entry %+v", o)
			}
		}
		if !res.IsTruncated {
			break
		}
		marker = res.NextMarker
	}
	if strings.Join(all, ",") != strings.Join(keys, ",") {
		t.Fatalf("paged listing %v", all)
	}
	res, _, err = c.Bucket.Get(bg, &cos.BucketGetOptions{Prefix: "e f", EncodingType: "url"})
	if err != nil || len(res.Contents) != 1 || res.Contents[0].Key != "e%20f%2Bg.txt" {
		t.Fatalf("url encoding: %v %+v", err, res)
	}
}
