// SPDX-License-Identifier: Apache-2.0
#include "proxy/s3_xml.h"

#include <gtest/gtest.h>

#include "proxy/s3_error.h"

namespace alluxio::proxy {
namespace {

TEST(S3XmlTest, EscapesTextAndBuildsDocuments) {
  EXPECT_EQ(XmlEscape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
  EXPECT_EQ(XmlEscape(std::string("x\x01y", 3)), "x&#x1;y");
  XmlWriter w;
  w.Open("A", true).Element("B", "1 < 2").Open("C").Close().Close();
  EXPECT_EQ(w.str(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<A "
            "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><B>1 &lt; 2</B><C></C></A>");
}

TEST(S3XmlTest, ParsesWhatS3ClientsSend) {
  auto doc = ParseXml(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<!-- comment --><Part><ETag>&quot;abc&quot;</ETag><PartNumber>1</PartNumber></Part>\n"
      "<Part><ETag>\"def\"</ETag><PartNumber>2</PartNumber></Part></CompleteMultipartUpload>");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->name, "CompleteMultipartUpload");
  ASSERT_EQ(doc->children.size(), 2u);
  EXPECT_EQ(doc->children[0].ChildText("ETag"), "\"abc\"");
  EXPECT_EQ(doc->children[1].ChildText("PartNumber"), "2");
  auto del = ParseXml(
      "<s3:Delete xmlns:s3='x'><Object><Key>a&amp;b &#x263A;&#65;</Key></Object>"
      "<Object><Key><![CDATA[<raw>]]></Key></Object><Quiet/></s3:Delete>");
  ASSERT_TRUE(del.ok()) << del.status();
  EXPECT_EQ(del->name, "Delete");
  EXPECT_EQ(del->children[0].ChildText("Key"),
            "a&b \xE2\x98\xBA"
            "A");
  EXPECT_EQ(del->children[1].ChildText("Key"), "<raw>");
  EXPECT_NE(del->Child("Quiet"), nullptr);
}

TEST(S3XmlTest, RejectsMalformedDocuments) {
  for (const char* bad : {"", "not xml", "<a>", "<a></b>", "<a><b></a></b>", "<a>&bogus;</a>",
                          "<a></a><b></b>", "<a x=1></a>", "<!DOCTYPE a><a/>", "<a>&#xZZ;</a>"}) {
    EXPECT_FALSE(ParseXml(bad).ok()) << bad;
  }
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "<a>";
  EXPECT_FALSE(ParseXml(deep).ok());
}

TEST(S3XmlTest, ErrorDocumentsAndStatusMapping) {
  S3Error e = S3Error::NoSuchKey("k<1>");
  EXPECT_EQ(e.http_status, 404);
  std::string xml = ErrorXml(e, "/api/v1/s3/b/k", "REQ1");
  EXPECT_NE(xml.find("<Error><Code>NoSuchKey</Code><Message>The specified key does not exist: "
                     "k&lt;1&gt;</Message><Resource>/api/v1/s3/b/k</Resource><RequestId>REQ1"
                     "</RequestId></Error>"),
            std::string::npos)
      << xml;
  EXPECT_EQ(ErrorFromStatus(NotFoundError("x"), "b", true).code, "NoSuchBucket");
  EXPECT_EQ(ErrorFromStatus(NotFoundError("x"), "k", false).code, "NoSuchKey");
  EXPECT_EQ(ErrorFromStatus(PermissionDeniedError("x"), "k", false).http_status, 403);
  EXPECT_EQ(ErrorFromStatus(UnavailableError("x"), "k", false).http_status, 503);
  EXPECT_EQ(ErrorFromStatus(InternalError("x"), "k", false).code, "InternalError");
}

}  // namespace
}  // namespace alluxio::proxy
