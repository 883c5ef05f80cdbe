// SPDX-License-Identifier: Apache-2.0
// The little XML the S3 API needs: a writer for responses (escaping text) and a parser for the
// request bodies S3 clients send (CompleteMultipartUpload, Delete, Tagging,
// CreateBucketConfiguration). The parser handles elements, text, entity and character references,
// comments, CDATA and the XML declaration; namespaces are ignored (prefixes are stripped).
// Thread-safety: plain values.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace alluxio::proxy {

// Escapes &, <, >, " and ' (and drops control characters XML 1.0 cannot carry).
std::string XmlEscape(std::string_view s);

// Builds a document: Open("A"); Element("B", "text"); Close(); -> <A><B>text</B></A>.
class XmlWriter {
 public:
  // Starts with the XML declaration.
  XmlWriter();
  // Opens an element; `xmlns` adds S3's namespace attribute.
  XmlWriter& Open(std::string_view name, bool xmlns = false);
  XmlWriter& Close();
  // <name>escaped text</name>
  XmlWriter& Element(std::string_view name, std::string_view text);
  // REQUIRES: every element closed.
  const std::string& str() const { return out_; }

 private:
  std::string out_;
  std::vector<std::string> open_;
};

struct XmlElement {
  std::string name;  // local name (no prefix)
  std::string text;  // concatenated character data directly inside
  std::vector<XmlElement> children;

  // The first child named `name`, or null.
  const XmlElement* Child(std::string_view name) const;
  // The text of the first child named `name`, or empty.
  std::string ChildText(std::string_view name) const;
};

// Parses a document into its root element. InvalidArgument (S3 MalformedXML) when not well formed.
Result<XmlElement> ParseXml(std::string_view doc);

}  // namespace alluxio::proxy
