#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# System test of the S3 gateway with stock S3 clients: bin/alluxio-start.sh local starts a master,
# a worker and alluxio-proxy on free loopback ports; then awscli (s3 and s3api), a boto3 script,
# s3cmd and rclone put, get, range-get, copy, list with paging, multipart-upload, tag and delete
# objects, and check S3's error codes. Only 127.0.0.1 is ever contacted.
#   s3_test.sh <source dir> <binary dir>
set -u -o pipefail
# shellcheck source=tests/system/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

init_system_test s3-test "$@"
FAILED=0

trap finish_local_cluster EXIT

write_cluster_site "$WORK/conf/alluxio-site.properties" "$WORK" "$RAM"
cat >>"$WORK/conf/alluxio-site.properties" <<CONF
alluxio.worker.ramdisk.size=256MB
alluxio.user.block.size.bytes.default=16MB
alluxio.user.rpc.retry.max.duration=20sec
alluxio.proxy.web.bind.host=127.0.0.1
CONF
PORT=$(sed -n 's/^alluxio.proxy.web.port=//p' "$WORK/conf/alluxio-site.properties")
ENDPOINT=http://127.0.0.1:$PORT/api/v1/s3

"$SRC/bin/alluxio-start.sh" local NoMount || { FAILED=1; tail -n 30 "$WORK"/logs/*.log; exit 1; }

# Clients: the access key names the Alluxio user (this user: the cluster's superuser).
USER_NAME=$(id -un)
export AWS_ACCESS_KEY_ID=$USER_NAME AWS_SECRET_ACCESS_KEY=unused AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=$WORK/aws-config
export AWS_SHARED_CREDENTIALS_FILE=$WORK/aws-credentials
unset AWS_PROFILE AWS_SESSION_TOKEN HTTP_PROXY HTTPS_PROXY http_proxy https_proxy
export NO_PROXY='*' no_proxy='*'
printf '[default]\ns3 =\n    addressing_style = path\n' >"$AWS_CONFIG_FILE"
: >"$AWS_SHARED_CREDENTIALS_FILE"
AWS=(/usr/bin/aws --endpoint-url "$ENDPOINT" --no-cli-pager)

head -c 20971520 /dev/urandom >"$WORK/big.bin"   # 20 MiB: a multipart upload for every client
head -c 100000 /dev/urandom >"$WORK/small.bin"
big_md5=$(md5sum <"$WORK/big.bin" | cut -d' ' -f1)

# ---- awscli ----------------------------------------------------------------------------------
expect "aws s3 mb" "${AWS[@]}" s3 mb s3://awsb
expect "aws s3 cp up (multipart)" "${AWS[@]}" s3 cp "$WORK/big.bin" s3://awsb/dir/big.bin --only-show-errors
expect "aws s3 cp up small" "${AWS[@]}" s3 cp "$WORK/small.bin" s3://awsb/small.bin --only-show-errors
out=$("${AWS[@]}" s3 ls s3://awsb/ 2>&1)
expect "aws s3 ls ($out)" grep -q "PRE dir/" <<<"$out"
out=$("${AWS[@]}" s3 ls --recursive s3://awsb 2>&1)
expect "aws s3 ls --recursive ($out)" grep -q "dir/big.bin" <<<"$out"
expect "aws s3 cp down" "${AWS[@]}" s3 cp s3://awsb/dir/big.bin "$WORK/big.down" --only-show-errors
expect "aws download matches" cmp -s "$WORK/big.bin" "$WORK/big.down"
etag=$("${AWS[@]}" s3api head-object --bucket awsb --key dir/big.bin --query ETag --output text)
expect "multipart ETag has a part count ($etag)" grep -q -- '-[0-9]*"\?$' <<<"$etag"
"${AWS[@]}" s3api get-object --bucket awsb --key small.bin --range bytes=100-199 "$WORK/range.out" >/dev/null
expect "aws s3api range get" cmp -s "$WORK/range.out" <(tail -c +101 "$WORK/small.bin" | head -c 100)
url=$("${AWS[@]}" s3 presign s3://awsb/small.bin --expires-in 300)
expect "presigned URL (curl, no credentials)" cmp -s "$WORK/small.bin" <(curl -sf --noproxy '*' "$url")
expect "aws s3 cp (copy)" "${AWS[@]}" s3 cp s3://awsb/small.bin s3://awsb/copy.bin --only-show-errors
"${AWS[@]}" s3 cp s3://awsb/copy.bin "$WORK/copy.down" --only-show-errors
expect "copy holds the data" cmp -s "$WORK/small.bin" "$WORK/copy.down"
out=$("${AWS[@]}" s3api head-object --bucket awsb --key nothing 2>&1)
expect "head of a missing key: 404 ($out)" grep -q "404" <<<"$out"
out=$("${AWS[@]}" s3api get-object --bucket awsb --key nothing "$WORK/x" 2>&1)
expect "NoSuchKey ($out)" grep -q "NoSuchKey" <<<"$out"
out=$("${AWS[@]}" s3 rb s3://awsb 2>&1)
expect "rb of a non-empty bucket: BucketNotEmpty ($out)" grep -q "BucketNotEmpty" <<<"$out"
expect "aws s3 rm" "${AWS[@]}" s3 rm s3://awsb/copy.bin --only-show-errors
expect "aws s3 rb --force" "${AWS[@]}" s3 rb --force s3://awsb
expect "bucket gone" test -z "$("${AWS[@]}" s3 ls 2>&1 | grep awsb)"

# ---- boto3 (Debian's python3-boto3) -------------------------------------------------------
cat >"$WORK/boto3_test.py" <<'PY'
import hashlib, os, sys, urllib.request
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, work = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                  config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
failures = []

def check(name, cond):
    if not cond:
        failures.append(name)
        print("FAIL:", name, file=sys.stderr)

def code(fn):
    try:
        fn()
    except ClientError as e:
        return e.response["Error"]["Code"]
    return None

s3.create_bucket(Bucket="boto")
data = os.urandom(300000)
r = s3.put_object(Bucket="boto", Key="a/obj", Body=data, ContentType="text/plain",
                  Metadata={"color": "blue"}, Tagging="k1=v1&k2=v2")
check("put ETag is the MD5", r["ETag"].strip('"') == hashlib.md5(data).hexdigest())
g = s3.get_object(Bucket="boto", Key="a/obj")
check("get body", g["Body"].read() == data)
check("content type", g["ContentType"] == "text/plain")
check("user metadata", g["Metadata"].get("color") == "blue")
check("range get", s3.get_object(Bucket="boto", Key="a/obj", Range="bytes=10-19")["Body"].read() == data[10:20])
tags = s3.get_object_tagging(Bucket="boto", Key="a/obj")["TagSet"]
check("tags", sorted((t["Key"], t["Value"]) for t in tags) == [("k1", "v1"), ("k2", "v2")])
s3.put_object_tagging(Bucket="boto", Key="a/obj", Tagging={"TagSet": [{"Key": "x", "Value": "y"}]})
check("tags replaced", s3.get_object_tagging(Bucket="boto", Key="a/obj")["TagSet"] == [{"Key": "x", "Value": "y"}])

# Multipart: 5 MiB + 5 MiB + 1 byte.
parts_data = [os.urandom(5 << 20), os.urandom(5 << 20), b"z"]
up = s3.create_multipart_upload(Bucket="boto", Key="mp/big", Metadata={"m": "1"})
uid = up["UploadId"]
check("list uploads", [u["UploadId"] for u in s3.list_multipart_uploads(Bucket="boto").get("Uploads", [])] == [uid])
parts = []
for i, d in enumerate(parts_data, 1):
    p = s3.upload_part(Bucket="boto", Key="mp/big", UploadId=uid, PartNumber=i, Body=d)
    parts.append({"PartNumber": i, "ETag": p["ETag"]})
check("list parts", len(s3.list_parts(Bucket="boto", Key="mp/big", UploadId=uid)["Parts"]) == 3)
done = s3.complete_multipart_upload(Bucket="boto", Key="mp/big", UploadId=uid,
                                    MultipartUpload={"Parts": parts})
want = hashlib.md5(b"".join(hashlib.md5(d).digest() for d in parts_data)).hexdigest() + "-3"
check("multipart ETag", done["ETag"].strip('"') == want)
check("multipart body", s3.get_object(Bucket="boto", Key="mp/big")["Body"].read() == b"".join(parts_data))
up2 = s3.create_multipart_upload(Bucket="boto", Key="mp/aborted")
s3.abort_multipart_upload(Bucket="boto", Key="mp/aborted", UploadId=up2["UploadId"])
check("NoSuchUpload", code(lambda: s3.list_parts(Bucket="boto", Key="mp/aborted", UploadId=up2["UploadId"])) == "NoSuchUpload")

# Listing 25 keys 7 at a time with continuation tokens, and with a delimiter.
keys = ["list/k%02d" % i for i in range(25)]
for k in keys:
    s3.put_object(Bucket="boto", Key=k, Body=k.encode())
seen, token = [], None
while True:
    kw = {"Bucket": "boto", "Prefix": "list/", "MaxKeys": 7}
    if token:
        kw["ContinuationToken"] = token
    page = s3.list_objects_v2(**kw)
    seen += [c["Key"] for c in page.get("Contents", [])]
    if not page["IsTruncated"]:
        break
    token = page["NextContinuationToken"]
check("paged listing", seen == keys)
pager = s3.get_paginator("list_objects").paginate(Bucket="boto", Prefix="list/", PaginationConfig={"PageSize": 10})
check("v1 paginator", [c["Key"] for p in pager for c in p.get("Contents", [])] == keys)
top = s3.list_objects_v2(Bucket="boto", Delimiter="/")
check("common prefixes", sorted(p["Prefix"] for p in top.get("CommonPrefixes", [])) == ["a/", "list/", "mp/"])

r = s3.delete_objects(Bucket="boto", Delete={"Objects": [{"Key": k} for k in keys[:20]]})
check("delete_objects", len(r.get("Deleted", [])) == 20)
check("after delete_objects", s3.list_objects_v2(Bucket="boto", Prefix="list/")["KeyCount"] == 5)
s3.copy_object(Bucket="boto", Key="copy", CopySource={"Bucket": "boto", "Key": "a/obj"})
check("copy keeps metadata", s3.head_object(Bucket="boto", Key="copy")["Metadata"].get("color") == "blue")

# Keys that need encoding (listings use encoding-type=url).
odd = "odd dir/\u00fc+x &y.txt"
s3.put_object(Bucket="boto", Key=odd, Body=b"odd")
check("odd key get", s3.get_object(Bucket="boto", Key=odd)["Body"].read() == b"odd")
check("odd key listed", [c["Key"] for c in s3.list_objects_v2(Bucket="boto", Prefix="odd")["Contents"]] == [odd])
check("odd key listed (v1)", [c["Key"] for c in s3.list_objects(Bucket="boto", Prefix="odd dir/")["Contents"]] == [odd])

# Errors.
check("NoSuchKey", code(lambda: s3.get_object(Bucket="boto", Key="none")) == "NoSuchKey")
check("NoSuchBucket", code(lambda: s3.get_object(Bucket="nobucket", Key="x")) == "NoSuchBucket")
check("NoSuchBucket (list)", code(lambda: s3.list_objects_v2(Bucket="nobucket")) == "NoSuchBucket")
check("BucketNotEmpty", code(lambda: s3.delete_bucket(Bucket="boto")) == "BucketNotEmpty")
check("InvalidRange", code(lambda: s3.get_object(Bucket="boto", Key="a/obj", Range="bytes=999999999-")) == "InvalidRange")
check("BucketAlreadyOwnedByYou", code(lambda: s3.create_bucket(Bucket="boto")) == "BucketAlreadyOwnedByYou")
req = urllib.request.Request(endpoint + "/boto?delete", data=b"<Delete><Object>", method="POST")
try:
    urllib.request.urlopen(req)
    malformed = None
except urllib.error.HTTPError as e:
    malformed = (e.code, b"<Code>MalformedXML</Code>" in e.read())
check("MalformedXML", malformed == (400, True))

# Clean up: every object, then the bucket.
for page in s3.get_paginator("list_objects_v2").paginate(Bucket="boto"):
    for c in page.get("Contents", []):
        s3.delete_object(Bucket="boto", Key=c["Key"])
s3.delete_bucket(Bucket="boto")
check("bucket deleted", code(lambda: s3.head_bucket(Bucket="boto")) in ("404", "NoSuchBucket"))
print("boto3: %d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
PY
expect "boto3 script" /usr/bin/python3 "$WORK/boto3_test.py" "$ENDPOINT" "$WORK"

# ---- s3cmd (its host_base cannot carry a path: the gateway also serves S3 at the root) --------
cat >"$WORK/s3cfg" <<CFG
[default]
access_key = $USER_NAME
secret_key = unused
host_base = 127.0.0.1:$PORT
host_bucket = 127.0.0.1:$PORT
use_https = False
bucket_location = us-east-1
signature_v2 = False
multipart_chunk_size_mb = 8
proxy_host =
CFG
S3CMD=(s3cmd -c "$WORK/s3cfg" --no-check-md5)
expect "s3cmd mb" "${S3CMD[@]}" mb s3://s3cmdb
expect "s3cmd put (multipart)" "${S3CMD[@]}" put -q "$WORK/big.bin" s3://s3cmdb/big.bin
expect "s3cmd ls" grep -q "s3://s3cmdb/big.bin" <("${S3CMD[@]}" ls s3://s3cmdb)
expect "s3cmd get" "${S3CMD[@]}" get -q s3://s3cmdb/big.bin "$WORK/s3cmd.down"
expect "s3cmd download matches" test "$(md5sum <"$WORK/s3cmd.down" | cut -d' ' -f1)" == "$big_md5"
expect "s3cmd del" "${S3CMD[@]}" del -q s3://s3cmdb/big.bin
expect "s3cmd rb" "${S3CMD[@]}" rb s3://s3cmdb

# ---- rclone (needs AWS_CA_BUNDLE unset) -----------------------------------------------------
cat >"$WORK/rclone.conf" <<CFG
[gw]
type = s3
provider = Other
access_key_id = $USER_NAME
secret_access_key = unused
endpoint = $ENDPOINT
region = us-east-1
force_path_style = true
CFG
RCLONE=(env -u AWS_CA_BUNDLE rclone --config "$WORK/rclone.conf" --s3-chunk-size 8M --s3-upload-cutoff 8M)
expect "rclone mkdir" "${RCLONE[@]}" mkdir gw:rcb
expect "rclone copyto up (multipart)" "${RCLONE[@]}" copyto "$WORK/big.bin" gw:rcb/x/big.bin
out=$("${RCLONE[@]}" lsf gw:rcb/x 2>&1)
expect "rclone lsf ($out)" grep -q "^big.bin$" <<<"$out"
expect "rclone cat matches" test "$("${RCLONE[@]}" cat gw:rcb/x/big.bin | md5sum | cut -d' ' -f1)" == "$big_md5"
# rclone keeps the MD5 of a multipart upload in user metadata (X-Amz-Meta-Md5chksum).
out=$("${RCLONE[@]}" md5sum gw:rcb/x 2>&1)
expect "rclone md5sum from user metadata ($out)" grep -q "^$big_md5  big.bin" <<<"$out"
expect "rclone purge" "${RCLONE[@]}" purge gw:rcb

# The data went through Alluxio: buckets are directories, objects are files in the UFS.
expect "no bucket left" test -z "$("$SRC/bin/alluxio" fs ls / 2>/dev/null)"

# ---- SigV4 verification on: the stock clients' signatures must check out --------------------
"$SRC/bin/alluxio-stop.sh" proxy >/dev/null
cat >>"$WORK/conf/alluxio-site.properties" <<CONF
alluxio.proxy.s3.signature.verification.enabled=true
alluxio.proxy.s3.credentials=$USER_NAME:s3cret
CONF
expect "proxy restarts with verification" "$SRC/bin/alluxio-start.sh" proxy
export AWS_SECRET_ACCESS_KEY=s3cret
expect "signed: aws s3 mb" "${AWS[@]}" s3 mb s3://signed
expect "signed: aws s3 cp up (multipart)" "${AWS[@]}" s3 cp "$WORK/big.bin" "s3://signed/a b/big.bin" --only-show-errors
expect "signed: aws s3 cp up" "${AWS[@]}" s3 cp "$WORK/small.bin" "s3://signed/x+y=z.bin" --only-show-errors
out=$("${AWS[@]}" s3 ls --recursive s3://signed 2>&1)
expect "signed: aws s3 ls ($out)" grep -q "x+y=z.bin" <<<"$out"
"${AWS[@]}" s3 cp "s3://signed/a b/big.bin" "$WORK/signed.down" --only-show-errors
expect "signed: aws download matches" cmp -s "$WORK/big.bin" "$WORK/signed.down"
url=$("${AWS[@]}" s3 presign "s3://signed/x+y=z.bin" --expires-in 300)
expect "signed: presigned URL" cmp -s "$WORK/small.bin" <(curl -sf --noproxy '*' "$url")
out=$(AWS_SECRET_ACCESS_KEY=wrong "${AWS[@]}" s3 ls s3://signed 2>&1)
expect "wrong secret: SignatureDoesNotMatch ($out)" grep -q "SignatureDoesNotMatch" <<<"$out"
out=$(curl -s --noproxy '*' "$ENDPOINT/signed/x+y=z.bin")
expect "unsigned: AccessDenied" grep -q "<Code>AccessDenied</Code>" <<<"$out"
sed -i "s/^secret_key = .*/secret_key = s3cret/" "$WORK/s3cfg"
expect "signed: s3cmd put" "${S3CMD[@]}" put -q "$WORK/small.bin" "s3://signed/s3cmd file.bin"
expect "signed: s3cmd ls" grep -q "s3cmd file.bin" <("${S3CMD[@]}" ls s3://signed)
expect "signed: s3cmd get" "${S3CMD[@]}" get -q --force "s3://signed/s3cmd file.bin" "$WORK/s3cmd.small"
expect "signed: s3cmd data" cmp -s "$WORK/small.bin" "$WORK/s3cmd.small"
sed -i "s/^secret_access_key = .*/secret_access_key = s3cret/" "$WORK/rclone.conf"
expect "signed: rclone copyto (multipart)" "${RCLONE[@]}" copyto "$WORK/big.bin" "gw:signed/r/big 1.bin"
out=$("${RCLONE[@]}" lsf -R gw:signed 2>&1)
expect "signed: rclone lsf ($out)" grep -q "^r/big 1.bin$" <<<"$out"
expect "signed: rclone cat" test "$("${RCLONE[@]}" cat "gw:signed/r/big 1.bin" | md5sum | cut -d' ' -f1)" == "$big_md5"
expect "signed: boto3" /usr/bin/python3 -c "
import boto3, sys
from botocore.config import Config
s3 = boto3.client('s3', endpoint_url='$ENDPOINT', region_name='us-east-1',
                  config=Config(s3={'addressing_style': 'path'}, retries={'max_attempts': 1}))
s3.put_object(Bucket='signed', Key='boto/k', Body=b'v', Metadata={'m': '1'}, Tagging='t=1')
assert s3.get_object(Bucket='signed', Key='boto/k', Range='bytes=0-0')['Body'].read() == b'v'
assert [c['Key'] for c in s3.list_objects_v2(Bucket='signed', Prefix='boto/', MaxKeys=1)['Contents']] == ['boto/k']
s3.delete_objects(Bucket='signed', Delete={'Objects': [{'Key': 'boto/k'}]})
"
expect "signed: aws s3 rb --force" "${AWS[@]}" s3 rb --force s3://signed

echo "s3_test: $PASSED passed, $FAILED failed"
((FAILED == 0))
