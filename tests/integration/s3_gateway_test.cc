// SPDX-License-Identifier: Apache-2.0
// The S3 gateway end to end on an in-process cluster: a ProxyProcess on an ephemeral loopback port
// in front of a MiniCluster (master + one worker), driven by a minimal HTTP/1.1 client. Buckets,
// objects (streamed bodies larger than a chunk, ranges, conditions, metadata), listings with
// paging, batch delete, copy, tagging, multipart uploads, S3 error documents, SigV4 verification,
// and object metadata surviving a master restart.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "common/conf/property_key.h"
#include "common/strings.h"
#include "proxy/digest.h"
#include "proxy/http.h"
#include "proxy/proxy_process.h"
#include "proxy/sigv4.h"
#include "tests/minicluster/mini_cluster.h"
#include "tests/minicluster/test_util.h"

namespace alluxio {
namespace {

using proxy::HexEncode;
using proxy::Md5;
using testing::MiniCluster;
using testing::RandomBytes;

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string Header(const std::string& n) const {
    auto it = headers.find(n);
    return it == headers.end() ? "" : it->second;
  }
  // The text of the first <tag> of the body.
  std::string Xml(const std::string& tag) const {
    size_t b = body.find("<" + tag + ">");
    if (b == std::string::npos) return "";
    b += tag.size() + 2;
    return body.substr(b, body.find("</" + tag + ">", b) - b);
  }
  int Count(const std::string& tag) const {
    int n = 0;
    for (size_t p = body.find("<" + tag + ">"); p != std::string::npos;
         p = body.find("<" + tag + ">", p + 1)) {
      ++n;
    }
    return n;
  }
};

// One request per connection (Connection: close), read to the end.
Response Http(int port, const std::string& method, const std::string& target,
              const std::string& body = "", std::map<std::string, std::string> headers = {}) {
  Response r;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return r;
  }
  std::string req = fmt::format("{} {} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n",
                                method, target, port);
  headers.emplace("Content-Length", std::to_string(body.size()));
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  req += "\r\n";
  req += body;
  for (size_t off = 0; off < req.size();) {
    ssize_t n = write(fd, req.data() + off, req.size() - off);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  std::string raw;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) break;
    raw.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos) return r;
  std::string head = raw.substr(0, end);
  r.body = raw.substr(end + 4);
  r.status = std::stoi(head.substr(9, 3));
  size_t pos = head.find("\r\n");
  while (pos != std::string::npos && pos + 2 < head.size()) {
    size_t next = head.find("\r\n", pos + 2);
    std::string line =
        head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
    size_t colon = line.find(':');
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    r.headers[name] = value;
    pos = next;
  }
  return r;
}

class S3GatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::MiniClusterOptions o;
    o.num_workers = 1;
    o.worker_quota = "256MB";
    auto c = MiniCluster::Start(o);
    ASSERT_TRUE(c.ok()) << c.status();
    cluster_ = std::move(*c);
    ASSERT_TRUE(cluster_->WaitForWorkers().ok());
    StartProxy({});
  }
  void TearDown() override {
    if (proxy_) proxy_->Stop();
  }
  void StartProxy(const std::map<std::string, std::string>& extra) {
    if (proxy_) proxy_->Stop();
    conf::Configuration conf = cluster_->conf();
    ASSERT_TRUE(conf.Set(conf::keys::kProxyWebPort, "0").ok());
    ASSERT_TRUE(conf.Set(conf::keys::kProxyWebBindHost, "127.0.0.1").ok());
    for (const auto& [k, v] : extra) ASSERT_TRUE(conf.Set(k, v).ok()) << k;
    auto p = proxy::ProxyProcess::Create(conf);
    ASSERT_TRUE(p.ok()) << p.status();
    proxy_ = std::move(*p);
    ASSERT_TRUE(proxy_->Start().ok());
    port_ = proxy_->port();
  }
  Response Req(const std::string& method, const std::string& path, const std::string& body = "",
               std::map<std::string, std::string> headers = {}) {
    return Http(port_, method, "/api/v1/s3" + path, body, std::move(headers));
  }

  std::unique_ptr<MiniCluster> cluster_;
  std::unique_ptr<proxy::ProxyProcess> proxy_;
  int port_ = 0;
};

TEST_F(S3GatewayTest, BucketsAreTopLevelDirectories) {
  EXPECT_EQ(Req("PUT", "/bkt").status, 200);
  Response again = Req("PUT", "/bkt");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.Xml("Code"), "BucketAlreadyOwnedByYou");
  EXPECT_TRUE(cluster_->client()->GetStatus("/bkt")->folder());
  Response list = Req("GET", "/");
  EXPECT_EQ(list.status, 200);
  EXPECT_NE(list.body.find("<Name>bkt</Name>"), std::string::npos) << list.body;
  EXPECT_EQ(Req("HEAD", "/bkt").status, 200);
  EXPECT_EQ(Req("HEAD", "/nobucket").status, 404);
  Response missing = Req("GET", "/nobucket/key");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Xml("Code"), "NoSuchBucket");
  EXPECT_FALSE(missing.Xml("RequestId").empty());
  EXPECT_EQ(missing.Xml("Resource"), "/api/v1/s3/nobucket/key");
  EXPECT_EQ(Req("PUT", "/bkt/k", "x").status, 200);
  Response not_empty = Req("DELETE", "/bkt");
  EXPECT_EQ(not_empty.status, 409);
  EXPECT_EQ(not_empty.Xml("Code"), "BucketNotEmpty");
  EXPECT_EQ(Req("DELETE", "/bkt/k").status, 204);
  EXPECT_EQ(Req("DELETE", "/bkt").status, 204);
  EXPECT_EQ(Req("HEAD", "/bkt").status, 404);
  EXPECT_EQ(Req("POST", "/").status, 405);
}

TEST_F(S3GatewayTest, PutGetRangesConditionsAndMetadata) {
  ASSERT_EQ(Req("PUT", "/b").status, 200);
  const std::string data = RandomBytes(3 * 1024 * 1024 + 17, 1);  // several 1 MiB chunks
  const std::string etag = "\"" + HexEncode(Md5(data)) + "\"";
  Response put = Req("PUT", "/b/dir/sub/obj.bin", data,
                     {{"Content-Type", "image/png"},
                      {"x-amz-meta-color", "blue"},
                      {"Content-MD5", proxy::Base64Encode(Md5(data))}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.Header("etag"), etag);
  Response get = Req("GET", "/b/dir/sub/obj.bin");
  ASSERT_EQ(get.status, 200);
  EXPECT_EQ(get.body.size(), data.size());
  EXPECT_TRUE(get.body == data);
  EXPECT_EQ(get.Header("etag"), etag);
  EXPECT_EQ(get.Header("content-type"), "image/png");
  EXPECT_EQ(get.Header("x-amz-meta-color"), "blue");
  Response head = Req("HEAD", "/b/dir/sub/obj.bin");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("content-length"), std::to_string(data.size()));
  EXPECT_TRUE(head.body.empty());

  Response range = Req("GET", "/b/dir/sub/obj.bin", "", {{"Range", "bytes=1048570-1048585"}});
  EXPECT_EQ(range.status, 206);
  EXPECT_EQ(range.body, data.substr(1048570, 16));
  EXPECT_EQ(range.Header("content-range"), fmt::format("bytes 1048570-1048585/{}", data.size()));
  Response suffix = Req("GET", "/b/dir/sub/obj.bin", "", {{"Range", "bytes=-5"}});
  EXPECT_EQ(suffix.body, data.substr(data.size() - 5));
  Response bad = Req("GET", "/b/dir/sub/obj.bin", "", {{"Range", "bytes=99999999-"}});
  EXPECT_EQ(bad.status, 416);
  EXPECT_EQ(bad.Xml("Code"), "InvalidRange");

  EXPECT_EQ(Req("GET", "/b/dir/sub/obj.bin", "", {{"If-None-Match", etag}}).status, 304);
  EXPECT_EQ(Req("GET", "/b/dir/sub/obj.bin", "", {{"If-Match", "\"nope\""}}).status, 412);
  EXPECT_EQ(Req("GET", "/b/dir/sub/obj.bin", "", {{"If-Match", etag}}).status, 200);
  EXPECT_EQ(Req("GET", "/b/dir/sub/obj.bin", "",
                {{"If-Modified-Since", proxy::HttpDate(4102444800000)}})  // year 2100
                .status,
            304);

  Response missing = Req("GET", "/b/dir/sub/none");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Xml("Code"), "NoSuchKey");
  EXPECT_EQ(Req("GET", "/b/dir").status, 404) << "a directory is not an object";
  Response bad_md5 = Req("PUT", "/b/x", "abc", {{"Content-MD5", proxy::Base64Encode(Md5("x"))}});
  EXPECT_EQ(bad_md5.status, 400);
  EXPECT_EQ(bad_md5.Xml("Code"), "BadDigest");
  EXPECT_EQ(Req("HEAD", "/b/x").status, 404) << "a failed PUT leaves nothing";

  // Overwrite replaces content and metadata.
  ASSERT_EQ(Req("PUT", "/b/dir/sub/obj.bin", "small").status, 200);
  Response small = Req("GET", "/b/dir/sub/obj.bin");
  EXPECT_EQ(small.body, "small");
  EXPECT_EQ(small.Header("x-amz-meta-color"), "");
  // Empty objects and folder objects.
  ASSERT_EQ(Req("PUT", "/b/empty", "").status, 200);
  EXPECT_EQ(Req("GET", "/b/empty").body, "");
  ASSERT_EQ(Req("PUT", "/b/folder/", "").status, 200);
  EXPECT_EQ(Req("HEAD", "/b/folder/").status, 200);
  // The object's metadata survives a master restart (journal replay).
  ASSERT_TRUE(Req("PUT", "/b/keep", "data", {{"x-amz-meta-k", "v"}}).status == 200);
  ASSERT_TRUE(cluster_->RestartMaster().ok());
  Response kept = Req("HEAD", "/b/keep");
  EXPECT_EQ(kept.status, 200);
  EXPECT_EQ(kept.Header("etag"), "\"" + HexEncode(Md5("data")) + "\"");
  EXPECT_EQ(kept.Header("x-amz-meta-k"), "v");
}

TEST_F(S3GatewayTest, ListingsPageWithPrefixDelimiterAndTokens) {
  ASSERT_EQ(Req("PUT", "/l").status, 200);
  std::vector<std::string> keys = {"a/1", "a/2", "a-b", "b", "c/d/e", "c/f", "z"};
  for (const std::string& k : keys) ASSERT_EQ(Req("PUT", "/l/" + k, k).status, 200) << k;
  // Delimiter "/": common prefixes for a/ and c/.
  Response top = Req("GET", "/l?list-type=2&delimiter=%2F");
  ASSERT_EQ(top.status, 200) << top.body;
  EXPECT_EQ(top.Count("Contents"), 3);        // a-b, b, z
  EXPECT_EQ(top.Count("CommonPrefixes"), 2);  // a/, c/
  EXPECT_EQ(top.Xml("KeyCount"), "5");
  Response c = Req("GET", "/l?list-type=2&delimiter=%2F&prefix=c%2F");
  EXPECT_EQ(c.Count("Contents"), 1);
  EXPECT_EQ(c.Xml("Key"), "c/f");
  EXPECT_EQ(c.Xml("Prefix"), "c/");
  // Every key, two per page, in S3 order ("a-b" < "a/1" since '-' < '/').
  std::vector<std::string> seen;
  std::string token;
  for (int page = 0; page < 10; ++page) {
    std::string q = "/l?list-type=2&max-keys=2";
    if (!token.empty()) q += "&continuation-token=" + UriEncode(token);
    Response r = Req("GET", q);
    ASSERT_EQ(r.status, 200) << r.body;
    std::regex key("<Key>([^<]*)</Key>");
    for (auto it = std::sregex_iterator(r.body.begin(), r.body.end(), key);
         it != std::sregex_iterator(); ++it) {
      seen.push_back((*it)[1]);
    }
    if (r.Xml("IsTruncated") != "true") break;
    token = r.Xml("NextContinuationToken");
  }
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(seen, sorted);
  // V1 with a marker.
  Response v1 = Req("GET", "/l?marker=b&max-keys=100");
  EXPECT_EQ(v1.Count("Contents"), 3);  // c/d/e, c/f, z
  EXPECT_EQ(v1.Xml("IsTruncated"), "false");
  // Deleting a key removes the directories it implied.
  EXPECT_EQ(Req("DELETE", "/l/c/d/e").status, 204);
  EXPECT_FALSE(cluster_->client()->GetStatus("/l/c/d").ok());
}

TEST_F(S3GatewayTest, BatchDeleteCopyAndTagging) {
  ASSERT_EQ(Req("PUT", "/t").status, 200);
  ASSERT_EQ(
      Req("PUT", "/t/src", "source data", {{"x-amz-meta-m", "1"}, {"x-amz-tagging", "a=1&b=2"}})
          .status,
      200);
  Response copy = Req("PUT", "/t/dst", "", {{"x-amz-copy-source", "/t/src"}});
  ASSERT_EQ(copy.status, 200) << copy.body;
  EXPECT_EQ(copy.Xml("ETag"), "&quot;" + HexEncode(Md5("source data")) + "&quot;");
  Response dst = Req("GET", "/t/dst");
  EXPECT_EQ(dst.body, "source data");
  EXPECT_EQ(dst.Header("x-amz-meta-m"), "1");
  Response missing_src = Req("PUT", "/t/dst2", "", {{"x-amz-copy-source", "/t/nothing"}});
  EXPECT_EQ(missing_src.Xml("Code"), "NoSuchKey");

  Response tags = Req("GET", "/t/dst?tagging");
  EXPECT_EQ(tags.Count("Tag"), 2);
  const std::string tagging =
      "<Tagging><TagSet><Tag><Key>k</Key><Value>v &amp; w</Value></Tag></TagSet></Tagging>";
  EXPECT_EQ(Req("PUT", "/t/dst?tagging", tagging).status, 200);
  Response tags2 = Req("GET", "/t/dst?tagging");
  EXPECT_EQ(tags2.Count("Tag"), 1);
  EXPECT_EQ(tags2.Xml("Value"), "v &amp; w");
  EXPECT_EQ(Req("DELETE", "/t/dst?tagging").status, 204);
  EXPECT_EQ(Req("GET", "/t/dst?tagging").Count("Tag"), 0);

  Response malformed = Req("POST", "/t?delete", "<Delete><Object><Key>src</Key>");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.Xml("Code"), "MalformedXML");
  Response del = Req("POST", "/t?delete",
                     "<Delete><Object><Key>src</Key></Object><Object><Key>dst</Key></Object>"
                     "<Object><Key>never</Key></Object></Delete>");
  ASSERT_EQ(del.status, 200) << del.body;
  EXPECT_EQ(del.Count("Deleted"), 3);
  EXPECT_EQ(Req("HEAD", "/t/src").status, 404);
  EXPECT_EQ(Req("DELETE", "/t").status, 204);
}

// No request reaches outside its bucket or into the gateway's hidden folder, whether the key
// comes from the URL, the XML of a batch delete, a copy source or a listing prefix; and
// replacing an object keeps the old one until the new one is in place.
TEST_F(S3GatewayTest, KeysStayInsideTheirBucket) {
  ASSERT_EQ(Req("PUT", "/victim").status, 200);
  ASSERT_EQ(Req("PUT", "/victim/obj", "precious").status, 200);
  ASSERT_EQ(Req("PUT", "/att").status, 200);
  ASSERT_EQ(Req("PUT", "/att/x", "x").status, 200);
  Response del = Req("POST", "/att?delete",
                     "<Delete><Object><Key>../victim/obj</Key></Object>"
                     "<Object><Key>.alluxio_s3_api/tmp</Key></Object></Delete>");
  ASSERT_EQ(del.status, 200) << del.body;
  EXPECT_EQ(del.Count("Error"), 2) << del.body;
  EXPECT_EQ(Req("GET", "/victim/obj").body, "precious");
  Response list = Req("GET", "/att?list-type=2&prefix=../victim/");
  EXPECT_EQ(list.status, 400) << list.body;
  EXPECT_EQ(Req("GET", "/att?list-type=2&prefix=x/../.alluxio_s3_api/").status, 400);
  Response copy = Req("PUT", "/att/stolen", "", {{"x-amz-copy-source", "/att/../victim/obj"}});
  EXPECT_EQ(copy.status, 400) << copy.body;
  EXPECT_EQ(Req("GET", "/a:../victim/obj").Xml("Code"), "InvalidBucketName");
  EXPECT_EQ(Req("GET", "/att:.alluxio_s3_api").Xml("Code"), "InvalidBucketName");
  // Overwrites: the new content replaces the old one, nothing is left in the hidden folder.
  for (int i = 0; i < 3; i++) {
    ASSERT_EQ(Req("PUT", "/att/x", "version " + std::to_string(i)).status, 200);
  }
  EXPECT_EQ(Req("GET", "/att/x").body, "version 2");
  auto hidden = cluster_->client()->ListStatus("/att/.alluxio_s3_api/tmp");
  if (hidden.ok()) {
    EXPECT_TRUE(hidden->empty());
  }
  // A bucket that is not empty stays (and a delete of an emptied one works).
  EXPECT_EQ(Req("DELETE", "/att").Xml("Code"), "BucketNotEmpty");
  EXPECT_EQ(Req("DELETE", "/att/x").status, 204);
  EXPECT_EQ(Req("DELETE", "/att").status, 204);
}

TEST_F(S3GatewayTest, MultipartUploadConcatenatesPartsWithS3ETag) {
  ASSERT_EQ(Req("PUT", "/m").status, 200);
  Response init = Req("POST", "/m/big?uploads", "", {{"x-amz-meta-x", "y"}});
  ASSERT_EQ(init.status, 200) << init.body;
  const std::string id = init.Xml("UploadId");
  ASSERT_FALSE(id.empty());
  const std::string p1 = RandomBytes(5 * 1024 * 1024, 2), p2 = RandomBytes(1000, 3);
  Response r1 = Req("PUT", "/m/big?partNumber=1&uploadId=" + id, p1);
  Response r2 = Req("PUT", "/m/big?partNumber=2&uploadId=" + id, p2);
  ASSERT_EQ(r1.status, 200);
  ASSERT_EQ(r2.status, 200);
  Response parts = Req("GET", "/m/big?uploadId=" + id);
  EXPECT_EQ(parts.Count("Part"), 2);
  Response uploads = Req("GET", "/m?uploads");
  EXPECT_EQ(uploads.Count("Upload"), 1);
  EXPECT_EQ(uploads.Xml("UploadId"), id);
  EXPECT_EQ(Req("GET", "/m?list-type=2").Count("Contents"), 0) << "parts are hidden";
  EXPECT_EQ(Req("GET", "/m?list-type=2&prefix=.alluxio_s3_api%2F").Count("Contents"), 0);
  EXPECT_EQ(Req("GET", "/m/.alluxio_s3_api/multipart/" + id + "/1").Xml("Code"), "InvalidArgument");
  // Wrong ETag, bad order.
  auto complete = [&](const std::string& e1, int n1, const std::string& e2, int n2) {
    return Req("POST", "/m/big?uploadId=" + id,
               fmt::format("<CompleteMultipartUpload><Part><PartNumber>{}</PartNumber><ETag>{}"
                           "</ETag></Part><Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>"
                           "</CompleteMultipartUpload>",
                           n1, e1, n2, e2));
  };
  EXPECT_EQ(complete(r1.Header("etag"), 1, "\"bad\"", 2).Xml("Code"), "InvalidPart");
  EXPECT_EQ(complete(r2.Header("etag"), 2, r1.Header("etag"), 1).Xml("Code"), "InvalidPartOrder");
  EXPECT_EQ(complete(r2.Header("etag"), 1, r1.Header("etag"), 2).Xml("Code"), "InvalidPart");
  Response done = complete(r1.Header("etag"), 1, r2.Header("etag"), 2);
  ASSERT_EQ(done.status, 200) << done.body;
  const std::string etag = proxy::MultipartETag({HexEncode(Md5(p1)), HexEncode(Md5(p2))});
  EXPECT_EQ(done.Xml("ETag"), "&quot;" + etag + "&quot;");
  Response get = Req("GET", "/m/big");
  EXPECT_TRUE(get.body == p1 + p2);
  EXPECT_EQ(get.Header("etag"), "\"" + etag + "\"");
  EXPECT_EQ(get.Header("x-amz-meta-x"), "y");
  EXPECT_EQ(Req("GET", "/m?uploads").Count("Upload"), 0);
  // Abort, and errors for unknown uploads; UploadPartCopy.
  Response init2 = Req("POST", "/m/other?uploads");
  const std::string id2 = init2.Xml("UploadId");
  Response copy_part =
      Req("PUT", "/m/other?partNumber=1&uploadId=" + id2, "",
          {{"x-amz-copy-source", "/m/big"}, {"x-amz-copy-source-range", "bytes=0-99"}});
  ASSERT_EQ(copy_part.status, 200) << copy_part.body;
  EXPECT_EQ(copy_part.Xml("ETag"), "&quot;" + HexEncode(Md5(p1.substr(0, 100))) + "&quot;");
  EXPECT_EQ(Req("DELETE", "/m/other?uploadId=" + id2).status, 204);
  EXPECT_EQ(Req("DELETE", "/m/other?uploadId=" + id2).Xml("Code"), "NoSuchUpload");
  EXPECT_EQ(Req("PUT", "/m/other?partNumber=1&uploadId=nope", "x").Xml("Code"), "NoSuchUpload");
}

TEST_F(S3GatewayTest, AwsChunkedBodiesAreDecoded) {
  ASSERT_EQ(Req("PUT", "/c").status, 200);
  const std::string chunked =
      "5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
  const std::map<std::string, std::string> h = {
      {"Content-Encoding", "aws-chunked"},
      {"x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"},
      {"x-amz-decoded-content-length", "11"},
      {"x-amz-trailer", "x-amz-checksum-crc32"}};
  Response put = Req("PUT", "/c/k", chunked, h);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.Header("etag"), "\"" + HexEncode(Md5("hello world")) + "\"");
  EXPECT_EQ(Req("GET", "/c/k").body, "hello world");
  Response bad = Req("PUT", "/c/k2", "5\r\nhel", h);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Req("HEAD", "/c/k2").status, 404);
  // An SDK's "folder" PUT: an empty body in aws-chunked framing.
  std::map<std::string, std::string> folder = h;
  folder["x-amz-decoded-content-length"] = "0";
  Response dir = Req("PUT", "/c/folder/", "0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n", folder);
  EXPECT_EQ(dir.status, 200) << dir.body;
  EXPECT_TRUE(cluster_->client()->GetStatus("/c/folder").ok());
}

TEST_F(S3GatewayTest, AccessKeyNamesTheUserAndSignaturesAreVerifiedWhenEnabled) {
  const std::map<std::string, std::string> alice = {
      {"Authorization",
       "AWS4-HMAC-SHA256 Credential=alice/20240101/us-east-1/s3/aws4_request, "
       "SignedHeaders=host, Signature=00"}};
  // alice may not create a directory in "/" (owned by the cluster's user, mode 755) ...
  Response denied = Req("PUT", "/u", "", alice);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(denied.Xml("Code"), "AccessDenied");
  // ... but writes into a bucket open to everyone, as herself.
  client::fsopts::CreateDirectoryPOptions mk;
  mk.set_mode(0777);
  ASSERT_TRUE(cluster_->client()->CreateDirectory("/u", mk).ok());
  ASSERT_EQ(Req("PUT", "/u/obj", "x", alice).status, 200);
  EXPECT_EQ(cluster_->client()->GetStatus("/u/obj")->owner(), "alice");

  StartProxy({{"alluxio.proxy.s3.signature.verification.enabled", "true"},
              {"alluxio.proxy.s3.credentials", "bob:bobsecret"}});
  EXPECT_EQ(Req("GET", "/").Xml("Code"), "AccessDenied");
  auto now_date = [] {
    time_t t = time(nullptr);
    struct tm tm;
    gmtime_r(&t, &tm);
    char buf[32];
    strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
    return std::string(buf);
  };
  auto signed_req = [&](const std::string& secret, const std::string& key,
                        const std::string& date) {
    proxy::SigV4Authorization a;
    a.access_key = key;
    a.date = date.substr(0, 8);
    a.region = "us-east-1";
    a.service = "s3";
    a.signed_headers = {"host", "x-amz-content-sha256", "x-amz-date"};
    proxy::Headers h{{"host", fmt::format("127.0.0.1:{}", port_)},
                     {"x-amz-content-sha256", "UNSIGNED-PAYLOAD"},
                     {"x-amz-date", date}};
    auto canonical =
        proxy::CanonicalRequest("GET", "/api/v1/s3/", "", h, a.signed_headers, "UNSIGNED-PAYLOAD");
    std::string sig = proxy::SignV4(secret, date, a, *canonical);
    return Req("GET", "/", "",
               {{"x-amz-content-sha256", "UNSIGNED-PAYLOAD"},
                {"x-amz-date", date},
                {"Authorization",
                 fmt::format("AWS4-HMAC-SHA256 Credential={}/{}, "
                             "SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature={}",
                             key, a.scope(), sig)}});
  };
  EXPECT_EQ(signed_req("bobsecret", "bob", now_date()).status, 200);
  Response wrong = signed_req("other", "bob", now_date());
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(wrong.Xml("Code"), "SignatureDoesNotMatch");
  EXPECT_EQ(signed_req("bobsecret", "mallory", now_date()).Xml("Code"), "InvalidAccessKeyId");
  // A correctly signed request from long ago (a replay) is refused.
  Response old = signed_req("bobsecret", "bob", "20240101T000000Z");
  EXPECT_EQ(old.status, 403);
  EXPECT_EQ(old.Xml("Code"), "RequestTimeTooSkewed");
}

// A page of a 100,000-key bucket costs about one page of listing, wherever it starts. A
// measurement, not a check; run by hand:
//   build/bin/s3_gateway_test --gtest_also_run_disabled_tests --gtest_filter=*HundredThousand*
TEST_F(S3GatewayTest, DISABLED_PagesOfAHundredThousandKeyBucket) {
  ASSERT_EQ(Req("PUT", "/huge").status, 200);
  constexpr int kKeys = 100000;
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kKeys; i += 8) {
        client::fsopts::CreateFilePOptions o;
        o.set_write_type(::alluxio::grpc::MUST_CACHE);
        std::string path = fmt::format("/huge/k{:06}", i);
        ASSERT_TRUE(cluster_->client()->CreateFile(path, o).ok());
        ASSERT_TRUE(cluster_->client()->CompleteFile(path).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  auto secs = [](auto since) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
  };
  std::printf("created %d keys in %.1f s\n", kKeys, secs(t0));
  for (const std::string& q :
       {std::string("/huge?list-type=2"), std::string("/huge?list-type=2&start-after=k050000"),
        std::string("/huge?list-type=2&start-after=k099000"),
        std::string("/huge?marker=k050000&max-keys=10"),
        std::string("/huge?list-type=2&delimiter=%2F&prefix=k0500")}) {
    const auto t1 = std::chrono::steady_clock::now();
    Response r = Req("GET", q);
    ASSERT_EQ(r.status, 200);
    std::printf("%-48s %4d keys, truncated %-5s %.1f ms\n", q.c_str(), r.Count("Contents"),
                r.Xml("IsTruncated").c_str(), secs(t1) * 1000);
  }
  // Every page in order, 1,000 keys each.
  const auto t2 = std::chrono::steady_clock::now();
  int pages = 0, keys = 0;
  std::string token;
  for (;;) {
    std::string q = "/huge?list-type=2";
    if (!token.empty()) q += "&continuation-token=" + UriEncode(token);
    Response r = Req("GET", q);
    ASSERT_EQ(r.status, 200);
    ++pages;
    keys += r.Count("Contents");
    if (r.Xml("IsTruncated") != "true") break;
    token = r.Xml("NextContinuationToken");
  }
  EXPECT_EQ(keys, kKeys);
  std::printf("listed all %d keys in %d pages in %.2f s\n", keys, pages, secs(t2));
}

}  // namespace
}  // namespace alluxio
